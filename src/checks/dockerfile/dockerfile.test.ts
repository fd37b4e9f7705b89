import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dockerfileFindings } from './evaluate.js';
import { isDockerfileName, looksLikeDockerfile, parseDockerfile, splitWords } from './parse.js';
import { stagesOf } from './rules.js';

const FX = 'test/fixtures/config/dockerfiles';
const brief = (file: string, text = readFileSync(file, 'utf8')) => dockerfileFindings([{ file, text }]).findings.map((f) => `${f.line}:${f.column} ${f.ruleId} ${f.severity} ${f.message}`);
const inst = (text: string) =>
  parseDockerfile(text).instructions.map((i) => ({
    k: i.keyword,
    args: i.args,
    line: i.line,
    end: i.endLine,
    ...(i.json ? { json: i.json } : {}),
    ...(Object.keys(i.flags).length ? { flags: i.flags } : {}),
    ...(i.heredocs.length ? { heredocs: i.heredocs.map((h) => h.body) } : {}),
  }));

describe('Dockerfile parser', () => {
  it.each([
    ['shell form', 'FROM alpine:3.20\nRUN echo hi', [{ k: 'FROM', args: 'alpine:3.20', line: 1, end: 1 }, { k: 'RUN', args: 'echo hi', line: 2, end: 2 }]],
    ['lower-case keyword, indentation, comments and blank lines', '  # c\n\nfrom alpine\n   run  true  # not a comment', [{ k: 'FROM', args: 'alpine', line: 3, end: 3 }, { k: 'RUN', args: 'true  # not a comment', line: 4, end: 4 }]],
    ['JSON (exec) form', 'CMD ["node", "a b.js"]', [{ k: 'CMD', args: '["node", "a b.js"]', line: 1, end: 1, json: ['node', 'a b.js'] }]],
    ['not JSON: shell form starting with [', 'RUN [ -f x ] && echo', [{ k: 'RUN', args: '[ -f x ] && echo', line: 1, end: 1 }]],
    ['continuations, with comment and empty lines inside', 'RUN a \\\n  # comment\n\n  && b \\\n  && c\nUSER x', [{ k: 'RUN', args: 'a   && b   && c', line: 1, end: 5 }, { k: 'USER', args: 'x', line: 6, end: 6 }]],
    ['escape directive: backtick', '# escape=`\nRUN dir `\n  c:\\x\nUSER y', [{ k: 'RUN', args: 'dir   c:\\x', line: 2, end: 3 }, { k: 'USER', args: 'y', line: 4, end: 4 }]],
    ['directive after a comment is a comment', '# hello\n# escape=`\nRUN a `\nUSER b', [{ k: 'RUN', args: 'a `', line: 3, end: 3 }, { k: 'USER', args: 'b', line: 4, end: 4 }]],
    ['flags', 'COPY --from=build --chown=1:1 /a /b', [{ k: 'COPY', args: '/a /b', line: 1, end: 1, flags: { from: 'build', chown: '1:1' } }]],
    ['heredoc body skipped', 'RUN <<EOT\nFROM x\nEOT\nUSER u', [{ k: 'RUN', args: '<<EOT', line: 1, end: 1, heredocs: ['FROM x'] }, { k: 'USER', args: 'u', line: 4, end: 4 }]],
    ['two heredocs, quoted and tab-stripped', "RUN <<'A' cat - <<-B\n1\nA\n\t2\n\tB\nUSER u", [{ k: 'RUN', args: "<<'A' cat - <<-B", line: 1, end: 1, heredocs: ['1', '2'] }, { k: 'USER', args: 'u', line: 6, end: 6 }]],
    ['here-string <<< is not a heredoc', 'RUN cat <<< x\nUSER u', [{ k: 'RUN', args: 'cat <<< x', line: 1, end: 1 }, { k: 'USER', args: 'u', line: 2, end: 2 }]],
  ])('%s', (_name, text, want) => {
    expect(inst(text)).toEqual(want);
  });

  it('an unterminated heredoc is a warning, not a crash', () => {
    const p = parseDockerfile('RUN <<EOT\necho\n');
    expect(p.warnings).toEqual([{ line: 1, message: 'Heredoc <<EOT is not terminated' }]);
  });

  it('recognises Dockerfiles by name and by first instruction', () => {
    expect(['Dockerfile', 'dockerfile', 'Dockerfile.dev', 'api.Dockerfile'].map(isDockerfileName)).toEqual([true, true, true, true]);
    expect(['Dockerfile-old', 'docker-compose.yml', 'Containerfile'].map(isDockerfileName)).toEqual([false, false, false]);
    expect(looksLikeDockerfile('# c\n\nARG X=1\nFROM a')).toBe(true);
    expect(looksLikeDockerfile('apiVersion: v1\n')).toBe(false);
    expect(splitWords('A="x y" B=\'z\' C=d\\ e')).toEqual(['A=x y', 'B=z', 'C=d e']);
  });

  it('stages: ARG substitution before FROM, stage references are not images', () => {
    const s = stagesOf(parseDockerfile('ARG V=3.20\nARG R\nFROM alpine:${V} AS a\nFROM a\nFROM ${R}/x\nFROM ${R:-docker.io}/y'));
    expect(s.map((x) => ({ base: x.base, name: x.name, parent: x.parent }))).toEqual([
      { base: 'alpine:3.20', name: 'a', parent: undefined },
      { base: 'a', name: undefined, parent: 0 },
      { base: undefined, name: undefined, parent: undefined },
      { base: 'docker.io/y', name: undefined, parent: undefined },
    ]);
  });
});

describe('Dockerfile rules on realistic Dockerfiles, findings checked by hand', () => {
  it('a multi-stage Node.js build with pinned bases, a non-root user and a health check passes', () => {
    expect(brief(`${FX}/node-app.Dockerfile`)).toEqual([]);
  });

  it('a legacy single-stage Dockerfile', () => {
    expect(brief(`${FX}/legacy/Dockerfile`)).toEqual([
      '19:1 dockerfile/user-root HIGH the final stage sets USER root',
      '15:1 dockerfile/add-url MEDIUM ADD fetches "https://example.org/releases/app.tar.gz" without a checksum',
      '9:1 dockerfile/curl-pipe-shell HIGH RUN pipes curl output into a shell',
      '1:6 dockerfile/unpinned-base-image MEDIUM base image "ubuntu" has no tag or digest',
      '5:1 dockerfile/secret-in-env-arg HIGH ENV DB_PASSWORD has a literal value',
      '6:1 dockerfile/secret-in-env-arg HIGH ARG GITHUB_TOKEN has a literal value',
      '1:1 dockerfile/no-healthcheck LOW the final stage has no HEALTHCHECK',
    ]);
  });

  it('escape directive, heredocs (their FROM is not a stage), latest base, HEALTHCHECK NONE', () => {
    expect(brief(`${FX}/Dockerfile.heredoc`)).toEqual([
      '4:1 dockerfile/curl-pipe-shell HIGH RUN pipes wget output into a shell',
      '2:6 dockerfile/latest-base-image MEDIUM base image "python:latest" uses the latest tag',
      '18:1 dockerfile/no-healthcheck LOW HEALTHCHECK NONE disables the health check',
    ]);
    const f = dockerfileFindings([{ file: 'x', text: readFileSync(`${FX}/Dockerfile.heredoc`, 'utf8') }]).findings;
    expect(f[0]).toMatchObject({ object: { kind: 'Dockerfile', name: 'x' }, field: 'RUN', properties: { stage: 'base', instruction: 'RUN' } });
  });

  it('USER and HEALTHCHECK are inherited through FROM <stage>', () => {
    expect(brief('x', 'FROM alpine:3.20 AS base\nUSER 1000\nHEALTHCHECK CMD true\nFROM base\nRUN true\n')).toEqual([]);
    expect(brief('x', 'FROM alpine:3.20 AS base\nUSER 1000\nFROM base\nUSER 0:0\nHEALTHCHECK CMD true\n')).toEqual(['4:1 dockerfile/user-root HIGH the final stage sets USER 0:0']);
    expect(brief('x', 'FROM alpine:3.20\nHEALTHCHECK CMD true\n')).toEqual(['1:1 dockerfile/user-root MEDIUM the final stage has no USER instruction: the container runs as root unless its base image sets a user']);
  });
});
