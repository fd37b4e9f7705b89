/** Human-readable package table for terminals. */
import pc from 'picocolors';
import type { CatalogResult, Package } from '../core/types.js';

export interface TableOptions {
  color: boolean;
  width?: number;
}

function truncate(s: string, n: number): string {
  if (n <= 1) return s.slice(0, Math.max(n, 0));
  return s.length <= n ? s : s.slice(0, n - 1) + '…';
}

function layerLabel(p: Package, result: CatalogResult): string {
  const l = p.locations[0];
  if (!l?.layerDiffId) return '';
  const info = result.artifact.layers.find((x) => x.diffId === l.layerDiffId);
  return info ? `${info.index}:${l.layerDiffId.slice(7, 19)}` : l.layerDiffId.slice(7, 19);
}

export function toTable(result: CatalogResult, opts: TableOptions): string {
  const bold = opts.color ? pc.bold : (s: string) => s;
  const dim = opts.color ? pc.dim : (s: string) => s;
  const pkgs = [...result.packages].sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
  const header = ['NAME', 'VERSION', 'TYPE', 'LAYER', 'PATH'];
  const rows = pkgs.map((p) => [p.name, p.version, p.type, layerLabel(p, result), p.locations[0]?.path ?? '']);
  const width = Math.max(opts.width ?? 160, 60);
  const max = [40, 32, 8, 16, Math.max(20, width - 40 - 32 - 8 - 16 - 8)];
  const widths = header.map((h, i) => Math.min(max[i]!, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? truncate(c, widths[i]!) : truncate(c, widths[i]!).padEnd(widths[i]!))).join('  ').trimEnd();
  const a = result.artifact;
  const title = `${a.reference}${a.digest ? ` (${a.digest.slice(0, 19)})` : ''}`;
  const os = result.os ? result.os.prettyName ?? `${result.os.id} ${result.os.versionId ?? ''}`.trim() : 'unknown OS';
  const out: string[] = [bold(title), dim(`${os} · ${a.layers.length} layer(s)`), ''];
  out.push(bold(line(header)));
  for (const r of rows) out.push(line(r));
  const byType = new Map<string, number>();
  for (const p of pkgs) byType.set(p.type, (byType.get(p.type) ?? 0) + 1);
  out.push('');
  out.push(`${pkgs.length} package(s)${byType.size ? ': ' + [...byType].map(([t, n]) => `${n} ${t}`).join(', ') : ''}${result.unknowns.length ? `; ${result.unknowns.length} unknown file(s)` : ''}`);
  return out.join('\n') + '\n';
}
