/**
 * Who supplied a package, from what the package database records: the Debian/Alpine `Maintainer`
 * (`metadata.maintainer`, "Name <email>") or the rpm `Vendor` (`metadata.vendor`).
 */
import type { Package } from '../core/index.js';

export interface Supplier {
  kind: 'Person' | 'Organization';
  name: string;
  email?: string;
}

// Maintainer fields that name a group rather than a person ("GNU Libc Maintainers", "Debian GCC
// Maintainers", "Alpine Linux Team").
const GROUP_WORDS =
  /\b(maintainers|team|project|group|developers|community|foundation|packagers|inc\.?|ltd\.?|llc|gmbh)\b/i;

const EMAIL = /^[^\s@<>()]+@[^\s@<>()]+\.[^\s@<>()]+$/;

/** Parses `Name <email>` (or a bare name). */
export function parseAgent(raw: string): { name: string; email?: string } | undefined {
  const s = raw.replace(/\s+/g, ' ').trim();
  if (!s) return undefined;
  const m = /^(.*?)\s*<([^<>]*)>\s*$/.exec(s);
  if (!m) return { name: s };
  const name = m[1]!.replace(/^"|"$/g, '').trim();
  const email = m[2]!.trim();
  if (!name && !EMAIL.test(email)) return undefined;
  return { name: name || email, ...(EMAIL.test(email) ? { email } : {}) };
}

/** The supplier of a package, when its metadata records one. */
export function supplierOf(p: Package): Supplier | undefined {
  const vendor = p.metadata?.vendor;
  if (vendor) {
    const a = parseAgent(vendor);
    if (a) return { kind: 'Organization', ...a };
  }
  const maintainer = p.metadata?.maintainer;
  if (maintainer) {
    const a = parseAgent(maintainer);
    if (a) return { kind: GROUP_WORDS.test(a.name) ? 'Organization' : 'Person', ...a };
  }
  return undefined;
}

/** SPDX agent syntax: `Person: Name (email)` / `Organization: Name (email)` (SPDX 2.3 §7.5). */
export function spdxAgent(s: Supplier): string {
  // Parentheses delimit the email; keep them out of the name.
  const name = s.name.replace(/[()]/g, '').trim();
  return `${s.kind}: ${name}${s.email ? ` (${s.email})` : ''}`;
}
