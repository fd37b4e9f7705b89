/**
 * A package table for terminals: one header line about the artifact and its OS, the columns NAME,
 * VERSION, TYPE, LAYER (short diffID of the layer that brought the package) and PATH sorted by type
 * then name, and a footer with counts. Columns are padded here; when a width is given, the widest
 * columns shrink until the table fits and long cells end in "…".
 */
import pc from 'picocolors';
import type { CatalogResult, Package } from '../core/index.js';
import { cleanText } from './text.js';

export interface TableOptions {
  /** ANSI colours; with `false` the output contains no escape sequences at all. */
  color: boolean;
  /** Terminal width in columns; without it cells are never truncated. */
  width?: number;
}

const HEADER = ['NAME', 'VERSION', 'TYPE', 'LAYER', 'PATH'] as const;
const GAP = 2;
const MIN_COLUMN = 4;

function len(s: string): number {
  return [...s].length;
}

function fit(s: string, width: number): string {
  const cps = [...s];
  if (cps.length <= width) return s;
  return width <= 1 ? '…'.slice(0, width) : cps.slice(0, width - 1).join('') + '…';
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function shortDigest(d: string): string {
  return d.replace(/^[a-z0-9]+:/, '').slice(0, 12);
}

function layerCell(p: Package): string {
  const diffId = p.locations[0]?.layerDiffId;
  return diffId ? shortDigest(diffId) : '-';
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function headline(result: CatalogResult): string {
  const a = result.artifact;
  const parts = [
    a.digest ? `${a.reference} (${a.digest.slice(0, a.digest.indexOf(':') + 13)})` : a.reference,
  ];
  const os = result.os;
  parts.push(os ? (os.prettyName ?? [os.id, os.versionId].filter(Boolean).join(' ')) : 'OS unknown');
  parts.push(a.transport === 'rootfs' ? 'directory' : plural(a.layers.length, 'layer'));
  return cleanText(parts.join(' · '));
}

function footer(result: CatalogResult): string {
  const counts = new Map<string, number>();
  for (const p of result.packages) counts.set(p.type, (counts.get(p.type) ?? 0) + 1);
  const n = result.packages.length;
  const parts = [
    n === 0
      ? 'No packages found'
      : `${plural(n, 'package')}: ${[...counts]
          .sort(([a], [b]) => compare(a, b))
          .map(([t, c]) => `${c} ${t}`)
          .join(', ')}`,
  ];
  const u = result.unknowns.length;
  if (u > 0) parts.push(`${u} ${u === 1 ? 'file' : 'files'} could not be catalogued`);
  return parts.join(' · ');
}

/** Shrinks the widest columns one step at a time until the row fits `width` (or nothing can shrink). */
function columnWidths(rows: string[][], width: number | undefined): number[] {
  const widths = HEADER.map((h, i) => Math.max(h.length, ...rows.map((r) => len(r[i]!))));
  if (width === undefined) return widths;
  const total = () => widths.reduce((s, w) => s + w, 0) + GAP * (widths.length - 1);
  while (total() > width) {
    let widest = -1;
    widths.forEach((w, i) => {
      if (w > Math.max(MIN_COLUMN, HEADER[i]!.length) && (widest < 0 || w > widths[widest]!)) widest = i;
    });
    if (widest < 0) break;
    widths[widest]!--;
  }
  return widths;
}

/** Renders the table; ends with a newline. */
export function toTable(result: CatalogResult, opts: TableOptions): string {
  const c = pc.createColors(opts.color);
  const pkgs = [...result.packages].sort(
    (a, b) =>
      compare(a.type, b.type) ||
      compare(a.name, b.name) ||
      compare(a.version, b.version) ||
      compare(a.locations[0]?.path ?? '', b.locations[0]?.path ?? ''),
  );
  const rows = pkgs.map((p) =>
    [p.name, p.version, p.type, layerCell(p), p.locations[0]?.path ?? ''].map(cleanText),
  );
  const widths = columnWidths(rows, opts.width);
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => {
        const text = fit(cell, widths[i]!);
        return i === cells.length - 1 ? text : text + ' '.repeat(widths[i]! - len(text));
      })
      .join(' '.repeat(GAP))
      .trimEnd();
  const fitLine = (s: string) => (opts.width === undefined ? s : fit(s, opts.width));
  const out = [c.bold(fitLine(headline(result))), ''];
  if (rows.length > 0) {
    out.push(c.bold(line(HEADER)));
    for (const r of rows) out.push(line(r));
    out.push('');
  }
  out.push(c.dim(fitLine(footer(result))));
  return out.join('\n') + '\n';
}
