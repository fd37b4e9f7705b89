/**
 * Package URLs for OS packages (deb, rpm, apk), built with packageurl-js and corrected where it
 * departs from the purl specification: packageurl-js 2.0 leaves `+` in versions unencoded, while
 * the specification (purl-spec issue #58, resolved 2025) requires `%2B`, as a raw `+` reads back
 * as a space in form decoding. `:` stays unencoded (the specification forbids encoding it), so a
 * Debian epoch reads `1:2.36-9%2Bdeb12u4`.
 */
import { PackageURL } from 'packageurl-js';

export interface OsPurlParts {
  type: 'deb' | 'rpm' | 'apk';
  namespace: string;
  name: string;
  version: string;
  qualifiers: Record<string, string>;
}

export function osPackagePurl(p: OsPurlParts): string {
  const s = new PackageURL(p.type, p.namespace, p.name, p.version, p.qualifiers, undefined).toString();
  const end = s.search(/[?#]/);
  const head = end < 0 ? s : s.slice(0, end);
  const at = head.lastIndexOf('@');
  if (at < 0) return s;
  return head.slice(0, at + 1) + head.slice(at + 1).replace(/\+/g, '%2B') + (end < 0 ? '' : s.slice(end));
}
