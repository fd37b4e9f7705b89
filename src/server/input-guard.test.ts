/**
 * Hostile input is a 400 with a stable code and a message naming the field, never a 500 or a
 * dead process: deep nesting, NUL and lone surrogates in bodies (values and keys), query
 * parameters (a NUL inside `filter`) and path segments, invalid UTF-8, a forged page token past
 * bigint. Through the app on PGlite and PostgreSQL; the keep-alive case through a real socket.
 */
import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { Client } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit } from '../audit/log.js';
import { testBackends } from '../metadata/_testing.js';
import { checkJson, MAX_JSON_DEPTH, unstorableReason } from '../metadata/storable.js';
import type { Store } from '../store/store.js';
import { createApp, type ServerApp } from './app.js';
import { checkUrl } from './middleware/input-guard.js';
import { createLogger } from './logger.js';
import { startServer } from './serve.js';
import { createToken } from './tokens.js';

describe('unstorableReason', () => {
  it.each([
    ['plain', undefined],
    ['emoji \ud83d\ude00 pair', undefined],
    ['', undefined],
    ['a\u0000b', 'a NUL character (\\u0000) at position 2'],
    ['x\ud800', 'a lone UTF-16 surrogate (\\ud800) at position 2'],
    ['\udc00x', 'a lone UTF-16 surrogate (\\udc00) at position 1'],
    ['\ud83d\ude00\ud83d', 'a lone UTF-16 surrogate (\\ud83d) at position 3'],
  ])('%j → %s', (s, why) => expect(unstorableReason(s)).toBe(why));
});

describe('checkJson', () => {
  it('walks 1,000,000 levels without recursion and names where it stopped', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 1_000_000; i++) deep = [deep];
    expect(() => checkJson({ vulnerability: deep })).toThrowCode('REQUEST_TOO_DEEP', ['"vulnerability[0][0]', String(MAX_JSON_DEPTH)]);
  });
  it('accepts exactly the limit', () => {
    let v: unknown = 'leaf';
    for (let i = 0; i < MAX_JSON_DEPTH; i++) v = { a: v };
    expect(() => checkJson(v)).not.toThrow();
    expect(() => checkJson({ a: v })).toThrowCode('REQUEST_TOO_DEEP');
  });
  it.each([
    [{ shortDescription: 'a\u0000' }, ['Field "shortDescription"', '(\\u0000)', 'position 2']],
    [{ notes: { n1: { vulnerability: { details: [{ x: 'ok' }, { affectedPackage: '\ud800' }] } } } }, ['Field "notes.n1.vulnerability.details[1].affectedPackage"', '(\\ud800)', 'position 1']],
    [{ labels: { 'k\u0000': 'v' } }, ['A key of Field "labels"', '(\\u0000)', 'position 2']],
    [{ 'we ird': { 'a\udfff': 1 } }, ['A key of Field "["we ird"]"', '(\\udfff)', 'position 2']],
    ['\u0000', ['The request body', '(\\u0000)', 'position 1']],
  ])('%j', (v, naming) => expect(() => checkJson(v)).toThrowCode('TEXT_INVALID', naming));
});

describe('checkUrl', () => {
  const check = (u: string) => () => checkUrl(new URL(u, 'http://x'));
  it.each([
    ['/v1/projects/p/notes?filter=kind%3D%22BUILD%22&pageSize=5'],
    ['/v1/projects/p/notes?filter=a+b'],
  ])('%s', (u) => expect(check(u)).not.toThrow());
  it.each([
    ['/v1/projects/p/occurrences?filter=resourceUri%3D%22a%00%22', ['Query parameter "filter"', '(\\u0000)', 'position 15']],
    ['/v1/projects/p/notes?filter=%ED%A0%80', ['Query parameter "filter"', 'UTF-8']],
    ['/v1/projects/p/notes?pageToken=%zz', ['Query parameter "pageToken"', 'UTF-8']],
    ['/v1/projects/p/notes?a%00=1', ['A query parameter name ("a%00")', '(\\u0000)', 'position 2']],
    ['/v1/projects/p%00/notes', ['The project in the path', '(\\u0000)', 'position 2']],
    ['/v1/projects/p/locations/%ED%B0%80/notes', ['The location in the path', 'UTF-8']],
    ['/v1/projects/p/notes/n%00', ['The note id in the path', '(\\u0000)', 'position 2']],
    ['/v1/projects/p/occurrences/%C0%80', ['The occurrence id in the path', 'UTF-8']],
  ])('%s', (u, naming) => expect(check(u)).toThrowCode('TEXT_INVALID', naming));
});

for (const backend of testBackends('guard')) {
  describe(`hostile requests on ${backend.name}`, () => {
    let store: Store | undefined;
    let s: ServerApp;
    let token: string;
    beforeAll(async () => {
      store = await backend.open();
      if (!store) return;
      s = createApp({ db: store.db, audit: appendAudit, rateLimit: false });
      token = (await createToken(store.db, { projects: ['*'], role: 'writer' })).token;
      const r = await s.app.request('/v1/projects/p/notes?noteId=n1', { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: '{"vulnerability":{"severity":"HIGH"}}' });
      expect(r.status).toBe(200);
    });
    afterAll(async () => {
      await store?.close();
      backend.cleanup();
    });

    const call = async (method: string, path: string, body?: string | Uint8Array) => {
      const res = await s.app.request(path, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, ...(body !== undefined ? { body } : {}) });
      return { status: res.status, json: (await res.json()) as { error?: { status?: string } } };
    };
    const deep = (n: number) => `{"vulnerability":${'['.repeat(n)}1${']'.repeat(n)}}`;
    const digest = createHash('sha256').update('notes|projects/p|').digest('base64url').slice(0, 16);
    const forged = Buffer.from(JSON.stringify({ v: 1, s: '9999999999999999999', d: digest })).toString('base64url');
    const occ = (extra: Record<string, unknown>) => JSON.stringify({ resourceUri: 'https://r.example/a@sha256:' + 'a'.repeat(64), noteName: 'projects/p/notes/n1', ...extra });

    it.each([
      ['deep nesting (1,000,000 levels)', 'POST', '/v1/projects/p/notes?noteId=d1', deep(1_000_000), 'REQUEST_TOO_DEEP', 'Field "vulnerability[0]'],
      ['deep nesting in a batch', 'POST', '/v1/projects/p/occurrences:batchCreate', `{"occurrences":[${occ({}).slice(0, -1)},"vulnerability":{"x":${'{"a":'.repeat(100)}1${'}'.repeat(100)}}}]}`, 'REQUEST_TOO_DEEP', 'Field "occurrences[0].vulnerability.x.a.a'],
      ['NUL in a note string', 'POST', '/v1/projects/p/notes?noteId=d2', JSON.stringify({ shortDescription: 'a\u0000b', vulnerability: {} }), 'TEXT_INVALID', ['Field "shortDescription"', '(\\u0000)']],
      ['NUL in an occurrence detail', 'POST', '/v1/projects/p/occurrences', occ({ vulnerability: { packageIssue: [{ affectedPackage: 'ssl\u0000' }] } }), 'TEXT_INVALID', 'Field "vulnerability.packageIssue[0].affectedPackage"'],
      ['NUL in a free-form key', 'POST', '/v1/projects/p/occurrences', occ({ build: { provenance: { buildOptions: { 'k\u0000': 'v' } } } }), 'TEXT_INVALID', 'A key of Field "build.provenance.buildOptions"'],
      ['lone high surrogate', 'POST', '/v1/projects/p/notes?noteId=d3', JSON.stringify({ longDescription: 'x\ud800', vulnerability: {} }), 'TEXT_INVALID', ['Field "longDescription"', '(\\ud800)']],
      ['lone low surrogate in replaceScan', 'POST', '/v1/projects/p/occurrences:replaceScan', JSON.stringify({ resourceUri: 'https://r.example/\udc00' }), 'TEXT_INVALID', ['Field "resourceUri"', '(\\udc00)']],
      ['NUL in an update', 'PATCH', '/v1/projects/p/notes/n1?updateMask=shortDescription', JSON.stringify({ shortDescription: '\u0000' }), 'TEXT_INVALID', 'Field "shortDescription"'],
      ['invalid UTF-8 body', 'POST', '/v1/projects/p/notes?noteId=d4', new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]), 'TEXT_INVALID', ['The request body', 'UTF-8']],
      ['NUL in filter', 'GET', '/v1/projects/p/occurrences?filter=' + encodeURIComponent('resourceUri="a\u0000"'), undefined, 'TEXT_INVALID', ['Query parameter "filter"', '(\\u0000)']],
      ['NUL in filter of the summary', 'GET', '/v1/projects/p/occurrences:vulnerabilitySummary?filter=%00', undefined, 'TEXT_INVALID', 'Query parameter "filter"'],
      ['NUL in filter of a note listing', 'GET', '/v1/projects/p/notes/n1/occurrences?filter=noteId%3D%22%00%22', undefined, 'TEXT_INVALID', 'Query parameter "filter"'],
      ['NUL in noteId', 'POST', '/v1/projects/p/notes?noteId=a%00', '{"vulnerability":{}}', 'TEXT_INVALID', 'Query parameter "noteId"'],
      ['NUL in updateMask', 'PATCH', '/v1/projects/p/notes/n1?updateMask=%00', '{}', 'TEXT_INVALID', 'Query parameter "updateMask"'],
      ['NUL in a path segment', 'GET', '/v1/projects/p/notes/n1%00', undefined, 'TEXT_INVALID', 'The note id in the path'],
      ['lone surrogate in a path segment', 'DELETE', '/v1/projects/p/occurrences/%ED%A0%80', undefined, 'TEXT_INVALID', 'The occurrence id in the path'],
      ['forged page token past bigint', 'GET', `/v1/projects/p/notes?pageToken=${forged}`, undefined, 'PAGE_TOKEN_INVALID', 'pageToken'],
      ['__proto__ at the top level is a field, not a prototype', 'POST', '/v1/projects/p/notes?noteId=d5', '{"__proto__":{"kind":"BUILD"},"vulnerability":{}}', 'METADATA_INVALID', '"__proto__"'],
    ] as const)('%s', async (_name, method, path, body, code, naming) => {
      if (!store) return;
      const r = await call(method, path, body);
      expect(r).toBeApiError(code, { http: 400, naming });
      expect(r.json.error?.status).toBe('INVALID_ARGUMENT');
    });

    it('keeps a __proto__ key inside details as data', async () => {
      if (!store) return;
      const res = await s.app.request('/v1/projects/p/notes?noteId=proto', { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: '{"vulnerability":{"__proto__":{"x":1}}}' });
      expect(res.status).toBe(200);
      const got = await (await s.app.request('/v1/projects/p/notes/proto', { headers: { authorization: `Bearer ${token}` } })).text();
      expect(got).toContain('"__proto__":{"x":1}');
    });
  });
}

describe('a request answered before its body was read', () => {
  it('leaves the keep-alive connection usable (401, 400, 404 with a 2 MB body), and says close past the limit', async () => {
    const backend = testBackends('guard-socket')[0]!;
    const store = (await backend.open())!;
    const sink = new Writable({ write: (_c, _e, cb) => cb() });
    const server = await startServer({ store, listen: { host: '127.0.0.1', port: 0 }, insecureHttp: true, logger: createLogger({ destination: sink }), rateLimit: false, maxBodyBytes: 4 << 20 });
    const client = new Client(server.url);
    try {
      const big = `{"a":"${'x'.repeat(2_000_000)}"}`;
      for (const [path, status] of [['/v1/projects/p/occurrences', 401], ['/v1/projects/p/occurrences?x=%00', 400], ['/v1/projects/p/nope', 404]] as const) {
        const r = await client.request({ method: 'POST', path, body: big, headers: { 'content-type': 'application/json' } });
        await r.body.text();
        expect(r.statusCode).toBe(status);
        expect(r.headers.connection).toBe('keep-alive');
        const h = await client.request({ method: 'GET', path: '/healthz' });
        expect(h.statusCode).toBe(200);
        await h.body.text();
      }
      const r = await client.request({ method: 'POST', path: '/v1/projects/p/occurrences', body: `{"a":"${'x'.repeat(5 << 20)}"}` });
      await r.body.text();
      expect(r.statusCode).toBe(413);
      expect(r.headers.connection).toBe('close');
    } finally {
      await client.close();
      await server.shutdown();
      await store.close();
      backend.cleanup();
    }
  });
});
