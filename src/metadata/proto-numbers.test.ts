/**
 * proto3 JSON lets float and int fields arrive as strings ("7.5"): they are accepted and stored as
 * numbers (so `vulnerability.cvssScore >= 7` filters find them); a string that is not a number is
 * still a 400 naming the field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit } from '../audit/log.js';
import { createApp, type ServerApp } from '../server/app.js';
import { createToken } from '../server/tokens.js';
import type { Store } from '../store/store.js';
import { testBackends } from './_testing.js';
import { parseNoteInput, parseOccurrenceInput } from './proto-json.js';

const occ = (vulnerability: Record<string, unknown>) => ({ resourceUri: 'https://r.example/a@sha256:' + 'a'.repeat(64), noteName: 'projects/p/notes/n', vulnerability });

describe('numbers as strings', () => {
  it.each([
    [{ cvssScore: '7.5' }, { cvssScore: 7.5 }],
    [{ cvss_score: '10' }, { cvssScore: 10 }],
    [{ cvssScore: '1e0' }, { cvssScore: 1 }],
    [{ cvssScore: 9.8 }, { cvssScore: 9.8 }],
    [{ cvssv3: { baseScore: '7.4', exploitabilityScore: '2.2', attackVector: 'ATTACK_VECTOR_NETWORK' } }, { cvssv3: { baseScore: 7.4, exploitabilityScore: 2.2, attackVector: 'ATTACK_VECTOR_NETWORK' } }],
    [{ packageIssue: [{ affectedCpeUri: 'cpe:/o:debian:debian_linux:12', affectedPackage: 'openssl', affectedVersion: { epoch: '1', name: '3.0.7', kind: 'NORMAL' } }] }, { packageIssue: [{ affectedVersion: { epoch: 1, name: '3.0.7' } }] }],
  ])('occurrence %j', (given, stored) => {
    expect(parseOccurrenceInput(occ(given)).body.vulnerability).toMatchObject(stored);
  });

  it.each([
    [{ cvssScore: '9.8', cvssV3: { baseScore: '9.8' }, details: [{ affectedCpeUri: 'cpe:/o:debian:debian_linux:12', affectedPackage: 'x', fixedVersion: { epoch: '2', kind: 'NORMAL', name: '1' } }] }, { cvssScore: 9.8, cvssV3: { baseScore: 9.8 }, details: [{ fixedVersion: { epoch: 2 } }] }],
  ])('note %j', (given, stored) => {
    expect(parseNoteInput({ vulnerability: given }).body.vulnerability).toMatchObject(stored);
  });

  it.each([
    [{ cvssScore: 'high' }, 'vulnerability.cvssScore'],
    [{ cvssScore: '' }, 'vulnerability.cvssScore'],
    [{ cvssScore: ' 7.5' }, 'vulnerability.cvssScore'],
    [{ cvssScore: '0x10' }, 'vulnerability.cvssScore'],
    [{ cvssScore: '1e400' }, 'vulnerability.cvssScore'],
    [{ cvssScore: true }, 'vulnerability.cvssScore'],
    [{ cvssv3: { baseScore: 'x' } }, 'vulnerability.cvssv3.baseScore'],
    [{ packageIssue: [{ affectedVersion: { epoch: '1.5' } }] }, 'vulnerability.packageIssue[0].affectedVersion.epoch'],
  ])('refuses %j, naming the field', (given, field) => {
    expect(() => parseOccurrenceInput(occ(given))).toThrowCode('METADATA_INVALID', field);
  });
});

describe('cvssScore as a string through the API', () => {
  const backend = testBackends('numbers')[0]!;
  let store: Store;
  let s: ServerApp;
  let token: string;
  beforeAll(async () => {
    store = (await backend.open())!;
    s = createApp({ db: store.db, audit: appendAudit, rateLimit: false });
    token = (await createToken(store.db, { projects: ['*'], role: 'writer' })).token;
  });
  afterAll(async () => {
    await store?.close();
    backend.cleanup();
  });
  const call = async (method: string, path: string, body?: unknown) => {
    const r = await s.app.request(path, { method, headers: { authorization: `Bearer ${token}` }, ...(body ? { body: JSON.stringify(body) } : {}) });
    return { status: r.status, json: (await r.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };

  it('is accepted, stored as a number and found by a numeric filter; a non-number is a 400', async () => {
    expect((await call('POST', '/v1/projects/p/notes?noteId=n', { vulnerability: { cvssScore: '7.5', severity: 'HIGH' } })).status).toBe(200);
    const made = await call('POST', '/v1/projects/p/occurrences', occ({ cvssScore: '7.5', severity: 'HIGH' }));
    expect(made.status).toBe(200);
    expect(made.json.vulnerability.cvssScore).toBe(7.5);
    const found = await call('GET', `/v1/projects/p/occurrences?filter=${encodeURIComponent('vulnerability.cvssScore >= 7')}`);
    expect(found.json.occurrences).toHaveLength(1);
    const bad = await call('POST', '/v1/projects/p/occurrences', occ({ cvssScore: 'seven' }));
    expect(bad).toBeApiError('METADATA_INVALID', { http: 400, naming: 'vulnerability.cvssScore' });
  });
});
