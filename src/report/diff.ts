/**
 * Renderers of an image diff: JSON (`kind: "portcullis-diff"`, `schemaVersion: 1`, documented in
 * docs/diff-report.md) and a terminal table with the sections Packages, Vulnerabilities, Files
 * and Config and a one-line summary.
 */
import { cleanText, humanBytes } from './text.js';
import { ANSI } from './ansi.js';
import {
  DIFF_KIND,
  DIFF_SCHEMA_VERSION,
  type DiffSide,
  type ImageDiff,
  type MapDiff,
  type ValueChange,
  type VulnChange,
} from '../diff/index.js';

export interface DiffRenderOptions {
  toolVersion: string;
  now?: Date;
  color?: boolean;
}

/** The JSON report. */
export function renderDiffJson(d: ImageDiff, opts: DiffRenderOptions): string {
  const doc = {
    schemaVersion: DIFF_SCHEMA_VERSION,
    kind: DIFF_KIND,
    tool: { name: 'portcullis', version: opts.toolVersion },
    createdAt: (opts.now ?? new Date()).toISOString(),
    before: d.before,
    after: d.after,
    summary: d.summary,
    packages: d.packages,
    vulnerabilities: d.vulnerabilities,
    files: d.files,
    config: d.config,
  };
  return JSON.stringify(doc, null, 2) + '\n';
}

const MAX_CELL = 60;

function table(head: string[], rows: string[][]): string[] {
  const cells = rows.map((r) =>
    r.map((c) => {
      const s = cleanText(c);
      return [...s].length > MAX_CELL ? [...s].slice(0, MAX_CELL - 1).join('') + '…' : s;
    }),
  );
  const w = head.map((h, i) => Math.max(h.length, ...cells.map((r) => [...r[i]!].length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c + ' '.repeat(w[i]! - [...c].length))
      .join('  ')
      .trimEnd();
  return [line(head), ...cells.map(line)];
}

function sideLine(s: DiffSide): string {
  const os = s.os ? ` (${s.os.prettyName ?? [s.os.id, s.os.versionId].filter(Boolean).join(' ')})` : '';
  return cleanText(s.reference) + os;
}

function fmt(v: unknown): string {
  if (v === undefined) return '(unset)';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function vulnVersions(v: VulnChange): string {
  const b = v.before.installedVersions.join(', ');
  const a = v.after.installedVersions.join(', ');
  if (v.change === 'introduced') return b && b !== a ? `${b} → ${a}` : a || '-';
  if (v.change === 'fixed') return `${b} → ${a || '(removed)'}`;
  return b === a ? a : `${b} → ${a}`;
}

/** The terminal table. */
export function renderDiffTable(d: ImageDiff, opts: DiffRenderOptions): string {
  const c = opts.color
    ? ANSI
    : { bold: (s: string) => s, red: (s: string) => s, green: (s: string) => s, dim: (s: string) => s };
  const out: string[] = [];
  out.push(`${c.bold('before:')} ${sideLine(d.before)}`);
  out.push(`${c.bold('after:')}  ${sideLine(d.after)}`);
  const size = (s: DiffSide) =>
    (s.compressedSize !== undefined ? `${humanBytes(s.compressedSize)} compressed, ` : '') +
    `${humanBytes(s.contentSize)} of files`;
  out.push(
    `layers: ${d.config.layers.before} → ${d.config.layers.after} (${d.config.layers.shared} shared base layer${d.config.layers.shared === 1 ? '' : 's'}); size: ${size(d.before)} → ${size(d.after)}`,
  );
  out.push('');

  out.push(c.bold('Packages'));
  if (d.packages.length === 0) out.push('no changes');
  else
    out.push(
      ...table(
        ['CHANGE', 'TYPE', 'NAME', 'BEFORE', 'AFTER', 'PATH'],
        d.packages.map((p) => {
          const v = (s: typeof p.before) =>
            s
              ? s.version +
                (s.arch && p.before && p.after && p.before.arch !== p.after.arch ? ` (${s.arch})` : '')
              : '';
          return [
            p.change.toUpperCase(),
            p.type,
            p.name,
            v(p.before),
            v(p.after),
            (p.after ?? p.before)?.location ?? '',
          ];
        }),
      ),
    );
  out.push('');

  out.push(c.bold('Vulnerabilities'));
  const vd = d.vulnerabilities;
  if (vd.status === 'skipped') out.push('not checked (--no-vuln)');
  else {
    for (const n of vd.notes) out.push(`note (${n.side}): ${cleanText(n.message)}`);
    const shown = vd.changes.filter((v) => v.change !== 'persistent');
    if (shown.length === 0)
      out.push(
        vd.complete
          ? 'none introduced or fixed'
          : 'none introduced or fixed among the packages that could be checked',
      );
    else
      out.push(
        ...table(
          ['CHANGE', 'VULNERABILITY', 'SEVERITY', 'PACKAGE', 'VERSION', 'FIXED IN'],
          shown.map((v) => [
            v.change.toUpperCase(),
            v.id,
            v.severity?.severity ?? 'UNKNOWN',
            v.packageName,
            vulnVersions(v),
            v.fixedVersions.join(', ') || (v.state === 'unfixed' ? '(no fix)' : v.state),
          ]),
        ),
      );
    const persistent = vd.changes.length - shown.length;
    if (persistent > 0)
      out.push(
        c.dim(
          `${persistent} vulnerabilit${persistent === 1 ? 'y' : 'ies'} present in both (see --format json)`,
        ),
      );
  }
  out.push('');

  out.push(c.bold('Files'));
  if (d.files.length === 0) out.push('no setuid, setgid or world-writable changes');
  else
    out.push(
      ...table(
        ['CHANGE', 'FLAGS', 'MODE', 'OWNER', 'PATH'],
        d.files.map((f) => [
          f.change.toUpperCase(),
          f.flags.join(',') + (f.sticky ? ' (sticky)' : ''),
          f.otherMode
            ? f.change === 'added'
              ? `${f.otherMode} → ${f.mode}`
              : `${f.mode} → ${f.otherMode}`
            : f.mode,
          `${f.uid}:${f.gid}`,
          f.path + (f.type === 'dir' ? '/' : ''),
        ]),
      ),
    );
  out.push('');

  out.push(c.bold('Config'));
  const lines: string[] = [];
  const scalar = (name: string, v: ValueChange<unknown> | undefined) => {
    if (v) lines.push(`${name}: ${fmt(v.before)} → ${fmt(v.after)}`);
  };
  scalar('user', d.config.user);
  scalar('entrypoint', d.config.entrypoint);
  scalar('cmd', d.config.cmd);
  scalar('workingDir', d.config.workingDir);
  scalar('os', d.config.os);
  scalar('platform', d.config.platform);
  const map = (name: string, m: MapDiff) => {
    for (const e of m.added) lines.push(`${name} added: ${e.key}=${e.value}`);
    for (const e of m.removed) lines.push(`${name} removed: ${e.key}=${e.value}`);
    for (const e of m.changed) lines.push(`${name} changed: ${e.key}: ${e.before} → ${e.after}`);
  };
  map('env', d.config.env);
  map('label', d.config.labels);
  for (const p of d.config.exposedPorts.added) lines.push(`port added: ${p}`);
  for (const p of d.config.exposedPorts.removed) lines.push(`port removed: ${p}`);
  out.push(...(lines.length > 0 ? lines.map(cleanText) : ['no changes']));
  out.push('');

  const s = d.summary;
  const pk = s.packages;
  const vulns = s.vulnerabilities
    ? `${s.vulnerabilities.introduced} introduced, ${s.vulnerabilities.fixed} fixed${vd.complete ? '' : ' (incomplete: see notes)'}`
    : 'not checked';
  out.push(
    `Summary: packages ${pk.added} added, ${pk.removed} removed, ${pk.upgraded} upgraded, ${pk.downgraded} downgraded, ${pk.changed} changed; vulnerabilities ${vulns}; files ${s.files.added} added, ${s.files.removed} removed; config ${s.configChanges} change${s.configChanges === 1 ? '' : 's'}`,
  );
  return out.join('\n') + '\n';
}
