import { describe, expect, it } from 'vitest';
import { imageFindings } from './evaluate.js';
import type { ImageInput } from './rules.js';

type Entry = { type: string; mode: number; uid: number; gid: number; layer: number };
const e = (type: string, mode: number): Entry => ({ type, mode, uid: 0, gid: 0, layer: 0 });

function image(over: Partial<ImageInput> = {}): ImageInput {
  return {
    reference: 'oci:x:1',
    config: { user: '10001', env: ['PATH=/usr/bin', 'TOKEN_FILE=/run/secrets/t'], exposedPorts: ['8080/tcp'] },
    history: [{ created_by: '/bin/sh -c #(nop) ADD file:abc in /' }, { created_by: 'RUN /bin/sh -c npm ci # buildkit' }],
    entries: new Map<string, Entry>([
      ['usr/bin/app', e('file', 0o755)],
      ['tmp', e('dir', 0o1777)],
      ['data', e('dir', 0o755)],
    ]),
    ...over,
  };
}

const ids = (img: ImageInput) => imageFindings(img).map((f) => `${f.ruleId} ${f.field}`);

describe('image configuration rules: a passing image and the minimal failing change', () => {
  it('the base passes', () => expect(ids(image())).toEqual([]));

  it.each([
    ['no user', { config: { user: '' } }, ['image/root-user config.User']],
    ['root:root', { config: { user: 'root:root' } }, ['image/root-user config.User']],
    ['uid 0 with a group', { config: { user: '0:1000' } }, ['image/root-user config.User']],
    ['port 80', { config: { user: '1', exposedPorts: ['80/tcp', '8443/tcp'] } }, ['image/privileged-port config.ExposedPorts']],
    ['secret in env', { config: { user: '1', env: ['PATH=/bin', 'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG'] } }, ['image/secret-in-env config.Env[1]']],
    ['build arg in history', { history: [{ created_by: 'RUN |1 NPM_TOKEN=npm_abcdef123456 /bin/sh -c npm ci' }] }, ['image/secret-in-history history[0]']],
    ['setuid file', { entries: new Map([['usr/bin/su', e('file', 0o4755)]]) }, ['image/setuid-setgid /usr/bin/su']],
    ['setgid file', { entries: new Map([['usr/bin/wall', e('file', 0o2755)]]) }, ['image/setuid-setgid /usr/bin/wall']],
    ['world-writable dir', { entries: new Map([['var/cache/app', e('dir', 0o777)]]) }, ['image/world-writable-dir /var/cache/app']],
  ])('%s', (_name, over, want) => {
    expect(ids(image(over as Partial<ImageInput>))).toEqual(want);
  });

  it('an ENV already reported from the config is not reported again from the history', () => {
    const img = image({ config: { user: '1', env: ['DB_PASSWORD=hunter2-prod'] }, history: [{ created_by: '/bin/sh -c #(nop) ENV DB_PASSWORD=hunter2-prod' }] });
    expect(ids(img)).toEqual(['image/secret-in-env config.Env[0]']);
  });
});
