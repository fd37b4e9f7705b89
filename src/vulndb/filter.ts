/**
 * VulnerabilityFinding filters: severity threshold list, --ignore-unfixed, and the ignore file
 * (`.portcullisignore`: one id per line, optional `exp:YYYY-MM-DD` and `path:GLOB`, `#` comments).
 */
import { readFileSync } from 'node:fs';
import { PortcullisError, type VulnerabilityFinding, type Severity } from '../core/index.js';

export interface IgnoreRule {
  id: string;
  expires?: string;
  path?: RegExp;
  line: number;
}

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

export function parseIgnoreFile(text: string, file: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) return;
    const [id, ...opts] = line.split(/\s+/);
    const rule: IgnoreRule = { id: id!, line: i + 1 };
    for (const o of opts) {
      if (o.startsWith('exp:') && /^\d{4}-\d{2}-\d{2}$/.test(o.slice(4))) rule.expires = o.slice(4);
      else if (o.startsWith('path:')) rule.path = globToRegExp(o.slice(5));
      else throw new PortcullisError({ code: 'USAGE', message: `${file}:${i + 1}: unknown option "${o}"`, hint: 'Use ID [exp:YYYY-MM-DD] [path:GLOB].' });
    }
    rules.push(rule);
  });
  return rules;
}

export function loadIgnoreFile(path: string): IgnoreRule[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new PortcullisError({ code: 'FILE_NOT_FOUND', message: `Ignore file "${path}" cannot be read`, hint: 'Check --ignorefile.' });
  }
  return parseIgnoreFile(text, path);
}

export interface FilterOptions {
  severities?: Severity[];
  ignoreUnfixed?: boolean;
  ignore?: IgnoreRule[];
  now?: Date;
}

export function filterFindings(findings: VulnerabilityFinding[], opts: FilterOptions): VulnerabilityFinding[] {
  const today = (opts.now ?? new Date()).toISOString().slice(0, 10);
  return findings.filter((f) => {
    const sev = f.severity?.severity ?? 'UNKNOWN';
    if (opts.severities && !opts.severities.includes(sev)) return false;
    if (opts.ignoreUnfixed && f.fixedVersions.length === 0) return false;
    for (const r of opts.ignore ?? []) {
      if (r.id !== f.id && !f.aliases.includes(r.id)) continue;
      if (r.expires && r.expires < today) continue;
      if (r.path && !(f.location && r.path.test(f.location))) continue;
      return false;
    }
    return true;
  });
}
