import { describe, expect, it } from 'vitest';
import { compileGlob, globProblem } from './glob.js';
import { normaliseImage } from './images.js';

describe('image globs on normalised references', () => {
  it.each([
    ['docker.io/library/*', 'nginx:1.27', true],
    ['docker.io/library/*', 'docker.io/team/app', false],
    ['docker.io/library/*', 'docker.io/library/a/b', false],
    ['registry.example/team/**', 'registry.example/team/app:1', true],
    ['registry.example/team/**', 'registry.example/team/a/b/c@sha256:' + '1'.repeat(64), true],
    ['registry.example/team/**', 'registry.example/other/app', false],
    ['registry.example/team/**', 'registry.example/teams/app', false],
    ['**', 'anything.example/x', true],
    ['*.example/app', 'registry.example/app', true],
    ['127.0.0.1:5000/team/*', '127.0.0.1:5000/team/app:1', true],
    ['registry.example/team/app:1.*', 'registry.example/team/app:1.2', true],
    ['registry.example/team/app:1.*', 'registry.example/team/app:2.0', false],
    ['**/app', 'registry.example/x/app', true],
  ])('%s ~ %s → %s', (glob, image, hit) => {
    expect(globProblem(glob)).toBeUndefined();
    const n = normaliseImage(image);
    expect(compileGlob(glob).matches(n.repository, n.reference)).toBe(hit);
  });

  it.each(['', 'nginx', 'team/app', 'docker://registry.example/x', 'registry.example/a**', 'registry.example//x', 'registry.example/***', 'registry.example/[ab]', 'a b.example/x'])('rejects %j', (glob) => {
    expect(globProblem(glob)).toBeTypeOf('string');
    expect(compileGlob(glob).matches('registry.example/a', 'registry.example/a:latest')).toBe(false);
  });
});

describe('normaliseImage', () => {
  it.each([
    ['nginx', 'docker.io/library/nginx:latest', true],
    ['library/nginx:1.27', 'docker.io/library/nginx:1.27', true],
    ['docker.io/library/nginx', 'docker.io/library/nginx:latest', false],
    ['index.docker.io/team/app:2', 'docker.io/team/app:2', false],
    ['localhost:5000/app@sha256:' + 'a'.repeat(64), 'localhost:5000/app@sha256:' + 'a'.repeat(64), false],
    ['registry.example/team/app:1@sha256:' + 'a'.repeat(64), 'registry.example/team/app:1@sha256:' + 'a'.repeat(64), false],
  ])('%s → %s (implicit %s)', (raw, reference, implicit) => {
    expect(normaliseImage(raw)).toMatchObject({ reference, implicitRegistry: implicit });
  });
  it.each(['', 'UPPER/case', 'app@sha256:short', 'app:bad tag'])('rejects %j', (raw) => {
    expect(normaliseImage(raw).problem).toBeTypeOf('string');
  });
});
