import { describe, expect, it } from 'vitest';
import { emptyLayerAnalysis, type LayerAnalysis, type LayerEntry } from './layer-analysis.js';
import { MergedView } from './view.js';

function layer(entries: Partial<LayerEntry>[], whiteouts: string[] = [], opaqueDirs: string[] = []): LayerAnalysis {
  const l = emptyLayerAnalysis();
  l.entries = entries.map((e) => ({ type: 'file', mode: 0o644, size: 0, uid: 0, gid: 0, path: '', ...e }) as LayerEntry);
  l.whiteouts = whiteouts;
  l.opaqueDirs = opaqueDirs;
  return l;
}

describe('MergedView', () => {
  it('applies whiteouts of files and whole directories', () => {
    const v = new MergedView([
      layer([{ path: 'a', type: 'dir' }, { path: 'a/x' }, { path: 'a/y' }, { path: 'b', type: 'dir' }, { path: 'b/z' }]),
      layer([], ['a/x', 'b']),
    ]);
    expect([...v.entries.keys()].sort()).toEqual(['a', 'a/y']);
  });

  it('opaque directories hide lower content but keep the layer’s own', () => {
    const v = new MergedView([
      layer([{ path: 'd', type: 'dir' }, { path: 'd/old' }, { path: 'd/sub', type: 'dir' }, { path: 'd/sub/deep' }]),
      layer([{ path: 'd', type: 'dir' }, { path: 'd/new' }], [], ['d']),
    ]);
    expect([...v.entries.keys()].sort()).toEqual(['d', 'd/new']);
  });

  it('a file replacing a directory hides its children', () => {
    const v = new MergedView([layer([{ path: 'p', type: 'dir' }, { path: 'p/c' }]), layer([{ path: 'p' }])]);
    expect([...v.entries.keys()]).toEqual(['p']);
    expect(v.get('p')!.layer).toBe(1);
  });

  it('resolves relative and absolute symlinks across layers', () => {
    const v = new MergedView([
      layer([{ path: 'usr', type: 'dir' }, { path: 'usr/lib', type: 'dir' }, { path: 'usr/lib/os-release' }, { path: 'etc', type: 'dir' }]),
      layer([{ path: 'etc/os-release', type: 'symlink', linkname: '../usr/lib/os-release' }, { path: 'lib', type: 'symlink', linkname: '/usr/lib' }]),
    ]);
    expect(v.resolve('etc/os-release')).toBe('usr/lib/os-release');
    expect(v.resolve('lib/os-release')).toBe('usr/lib/os-release');
    expect(v.resolve('etc/missing')).toBeUndefined();
  });

  it('throws SYMLINK_LOOP on loops', () => {
    const v = new MergedView([layer([{ path: 'a', type: 'symlink', linkname: 'b' }, { path: 'b', type: 'symlink', linkname: '/a' }])]);
    expect(() => v.resolve('a')).toThrowCode('SYMLINK_LOOP');
  });
});
