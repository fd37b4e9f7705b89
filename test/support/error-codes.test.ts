import { describe, expect, it } from 'vitest';
import { PortcullisError, fail, type ErrorCode } from '../../src/core/errors.js';
import type { Naming } from './error-codes.js';
import { toGoogleError } from '../../src/server/errors.js';

const usage = new PortcullisError({ code: 'USAGE', message: 'Invalid --push-fingerprint "AB:CD"', hint: 'Give 64 hex digits, e.g. from --push-tls-ca.' });

/** A CLI run as spawnSync returns it, printed the way src/cli/output.ts prints errors. */
const run = (status: number | null, stderr: string) => ({ status, stdout: '', stderr });

/** An HTTP reply as the server tests read it: status and parsed body. */
const reply = (err: unknown) => {
  const { http, body } = toGoogleError(err);
  return { status: http, json: body as unknown };
};

describe('toThrowCode', () => {
  it.each<[string, () => unknown, ErrorCode, Naming | undefined, boolean]>([
    ['the code of a thrown PortcullisError', () => fail('VEX_INVALID', 'bad'), 'VEX_INVALID', undefined, true],
    ['another code', () => fail('VEX_INVALID', 'bad'), 'USAGE', undefined, false],
    ['a token in the message', () => { throw usage; }, 'USAGE', '--push-fingerprint', true],
    ['a token only in the hint', () => { throw usage; }, 'USAGE', '--push-tls-ca', false],
    ['every token of a list', () => { throw usage; }, 'USAGE', ['--push-fingerprint', 'AB:CD'], true],
    ['a plain Error without a code', () => { throw new Error('USAGE'); }, 'USAGE', undefined, false],
    ['a function that does not throw', () => 1, 'USAGE', undefined, false],
    ['a function that returns a promise', () => Promise.reject(usage), 'USAGE', undefined, false],
  ])('%s', (_name, fn, code, naming, pass) => {
    if (pass) expect(fn).toThrowCode(code, naming);
    else expect(() => expect(fn).toThrowCode(code, naming)).toThrow();
  });

  it('takes a rejection through .rejects, and negates', async () => {
    await expect(Promise.reject(usage)).rejects.toThrowCode('USAGE', '--push-fingerprint');
    await expect(expect(Promise.reject(usage)).rejects.toThrowCode('INTERNAL')).rejects.toThrow();
    expect(() => fail('USAGE', 'x')).not.toThrowCode('INTERNAL');
    expect(() => expect(() => fail('USAGE', 'x')).not.toThrowCode('USAGE')).toThrow();
  });
});

describe('toFailWith', () => {
  const printed = 'error [USAGE]: Invalid --push-fingerprint "AB:CD"\nhint: Give 64 hex digits, e.g. from --push-tls-ca.\n';
  it.each([
    ['code and default status 2', run(2, printed), 'USAGE', {}, true],
    ['INTERNAL defaults to status 3', run(3, 'error [INTERNAL]: boom\n'), 'INTERNAL', {}, true],
    ['INTERNAL with status 2', run(2, 'error [INTERNAL]: boom\n'), 'INTERNAL', {}, false],
    ['an explicit status', run(1, printed), 'USAGE', { status: 1 }, true],
    ['the wrong status', run(0, printed), 'USAGE', {}, false],
    ['no status (killed)', run(null, printed), 'USAGE', {}, false],
    ['another code', run(2, printed), 'VEX_INVALID', {}, false],
    ['the code only inside another line', run(2, `warning: x [USAGE]\n${printed.replace('USAGE', 'OFFLINE')}`), 'USAGE', {}, false],
    ['a token in the message', run(2, printed), 'USAGE', { naming: '--push-fingerprint' }, true],
    ['a token in the hint line', run(2, printed), 'USAGE', { naming: ['--push-fingerprint', '--push-tls-ca'] }, true],
    ['a token elsewhere on stderr', run(2, `note: --push-project\n${printed}`), 'USAGE', { naming: '--push-project' }, false],
    ['tokens of one of several errors', run(2, `error [USAGE]: Line 2: bad\nerror [USAGE]: 1 of 3 lines (line 2)\n`), 'USAGE', { naming: ['1 of 3', '(line 2)'] }, true],
    ['tokens spread over two errors', run(2, `error [USAGE]: Line 2: bad\nerror [USAGE]: 1 of 3 lines\n`), 'USAGE', { naming: ['Line 2', '1 of 3'] }, false],
  ] as const)('%s', (_name, r, code, opts, pass) => {
    if (pass) expect(r).toFailWith(code, opts);
    else expect(() => expect(r).toFailWith(code, opts)).toThrow();
  });
});

describe('toBeApiError', () => {
  it.each([
    ['reason and status', reply(usage), 'USAGE', { http: 400 }, true],
    ['a token in the message', reply(usage), 'USAGE', { http: 400, naming: '--push-fingerprint' }, true],
    ['a missing token', reply(usage), 'USAGE', { http: 400, naming: 'pageSize' }, false],
    ['another status', reply(usage), 'USAGE', { http: 404 }, false],
    ['the rpc status', reply(usage), 'USAGE', { http: 400, rpc: 'INVALID_ARGUMENT' }, true],
    ['another rpc status', reply(usage), 'USAGE', { http: 400, rpc: 'NOT_FOUND' }, false],
    ['another reason', reply(usage), 'FILTER_INVALID', { http: 400 }, false],
    ['a 500 with no reason', reply(new Error('x')), 'INTERNAL', { http: 500 }, false],
    ['a body that is not an error', { status: 400, json: { notes: [] } }, 'USAGE', { http: 400 }, false],
  ] as const)('%s', (_name, r, code, opts, pass) => {
    if (pass) expect(r).toBeApiError(code, opts);
    else expect(() => expect(r).toBeApiError(code, opts)).toThrow();
  });
});
