import { describe, expect, it } from 'vitest';
import type { Package } from '../core/types.js';
import { dependencyEdges, graphRoots, uniquePackages } from './graph.js';

const p = (id: string, dependsOn: string[] = []): Package => ({
  id,
  name: id,
  version: '1',
  type: 'npm',
  purl: `pkg:npm/${id}@1`,
  foundBy: 'test',
  licenses: [],
  locations: [{ path: '/x' }],
  dependsOn,
});

describe('graphRoots', () => {
  it.each([
    ['no edges', [p('a'), p('b')], ['a', 'b']],
    ['a chain', [p('c'), p('b', ['c']), p('a', ['b'])], ['a']],
    ['a cycle nothing reaches', [p('a', ['b']), p('b', ['a']), p('c')], ['a', 'c']],
    ['a cycle reached from a root', [p('r', ['a']), p('a', ['b']), p('b', ['a'])], ['r']],
    ['two separate cycles', [p('a', ['b']), p('b', ['a']), p('c', ['d']), p('d', ['c'])], ['a', 'c']],
    ['edges to unknown ids and self-edges', [p('a', ['zz', 'a']), p('b', ['a'])], ['b']],
  ])('%s', (_name, packages, expected) => {
    expect(graphRoots(packages, dependencyEdges(packages))).toEqual(expected);
  });
});

describe('dependencyEdges', () => {
  it('drops repeats, self-edges and unknown targets', () => {
    const pkgs = [p('a', ['b', 'b', 'a', 'x']), p('b')];
    expect(Object.fromEntries(dependencyEdges(pkgs))).toEqual({ a: ['b'], b: [] });
  });
});

describe('uniquePackages', () => {
  it('keeps the first package of each id', () => {
    const first = p('a');
    expect(uniquePackages([first, p('b'), { ...p('a'), version: '2' }])).toEqual([first, p('b')]);
  });
});
