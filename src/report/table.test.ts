import { describe, expect, it } from 'vitest';
import type { CatalogResult } from '../core/types.js';
import { DEBIAN_IMAGE, golden, RESULTS } from '../sbom/testdata/results.js';
import { toTable } from './table.js';

const ESC = '\u001b';
/** Removes SGR colour sequences (ESC [ … m). */
const stripColour = (s: string) =>
  s
    .split(ESC)
    .map((part, i) => (i === 0 ? part : part.replace(/^\[[0-9;]*m/, '')))
    .join('');
const hasControl = (s: string) =>
  [...s].some((ch) => ch !== '\n' && (ch.codePointAt(0)! < 0x20 || ch.codePointAt(0) === 0x7f));
const widest = (s: string) => Math.max(...s.split('\n').map((l) => [...l].length));

describe('toTable', () => {
  it.each(Object.entries(RESULTS))('%s matches its golden file', (name, result) => {
    const text = toTable(result, { color: false });
    expect(text).toBe(golden(`${name}.table.txt`, text));
  });

  it('sorts by type then name and prints header, columns and footer', () => {
    const lines = toTable(DEBIAN_IMAGE, { color: false }).trimEnd().split('\n');
    expect(lines[0]).toBe(
      `docker://registry.example.com/shop/checkout:2.4.1 (${DEBIAN_IMAGE.artifact.digest!.slice(0, 19)}) · Debian GNU/Linux 12 (bookworm) · 2 layers`,
    );
    expect(lines[2]).toMatch(/^NAME\s+VERSION\s+TYPE\s+LAYER\s+PATH$/);
    const names = lines.slice(3, 15).map((l) => l.split(/\s+/)[0]);
    expect(names).toEqual([
      'base-files',
      'bash',
      'gcc-12-base',
      'libc6',
      'libgcc-s1',
      'zlib1g',
      'org.apache.commons:commons-lang3',
      '@babel/code-frame',
      '@babel/highlight',
      'picocolors',
      'cryptography',
      'python-dateutil',
    ]);
    expect(lines[3]).toContain(DEBIAN_IMAGE.artifact.layers[0]!.diffId.slice(7, 19));
    expect(lines.at(-1)).toBe('12 packages: 6 deb, 1 maven, 3 npm, 2 pypi · 1 file could not be catalogued');
  });

  it.each([60, 80, 100])('fits %i columns, ending cut cells with …', (width) => {
    const text = toTable(DEBIAN_IMAGE, { color: false, width });
    expect(widest(text)).toBeLessThanOrEqual(width);
    expect(text).toContain('…');
  });

  it('never truncates without a width', () => {
    const text = toTable(DEBIAN_IMAGE, { color: false });
    expect(text).not.toContain('…');
    expect(text).toContain(
      '/usr/local/lib/python3.11/site-packages/python_dateutil-2.9.0.post0.dist-info/METADATA',
    );
  });

  it('colours only when asked', () => {
    expect(toTable(DEBIAN_IMAGE, { color: false })).not.toContain(ESC);
    const coloured = toTable(DEBIAN_IMAGE, { color: true });
    expect(coloured).toContain(`${ESC}[1m`);
    expect(stripColour(coloured)).toBe(toTable(DEBIAN_IMAGE, { color: false }));
  });

  it('neutralises control characters from package data', () => {
    const evil: CatalogResult = {
      ...RESULTS.empty,
      packages: [{ ...DEBIAN_IMAGE.packages[0]!, name: 'x\u001b[2J\u001b]0;pwned\u0007' }],
    };
    const text = toTable(evil, { color: false });
    expect(hasControl(text)).toBe(false);
    expect(text).toContain('x?[2J?]0;pwned?');
  });

  it('says so when nothing was found', () => {
    expect(toTable(RESULTS.empty, { color: false })).toBe(
      'rootfs:/empty · OS unknown · directory\n\nNo packages found\n',
    );
  });
});
