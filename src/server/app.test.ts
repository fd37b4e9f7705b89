/**
 * The Grafeas v1 API through the Hono app (no port): request shapes of the public API definition
 * round-tripped, batches all-or-nothing, pagination while inserting, the 401/403 matrix per role,
 * audit entries committed with their writes, limits. The same suite on PGlite and PostgreSQL.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit, readAudit, verifyAudit, type AuditRecord } from '../audit/log.js';
import { testBackends } from '../metadata/_testing.js';
import type { Store } from '../store/store.js';
import { createApp, type AppOptions, type ServerApp } from './app.js';
import { createLogger } from './logger.js';
import { createMetrics } from './metrics.js';
import { createToken, revokeToken } from './tokens.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Reply {
  status: number;
  json: Json;
  headers: Headers;
}

function client(s: ServerApp) {
  return async (method: string, path: string, opts: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {}): Promise<Reply> => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: string | undefined;
    if (opts.raw !== undefined) body = opts.raw;
    else if (opts.body !== undefined) body = JSON.stringify(opts.body);
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await s.app.request(path, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    let json: Json = {};
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      json = { text };
    }
    return { status: res.status, json, headers: res.headers };
  };
}

// Request shapes from the Grafeas v1 API definition (proto/v1/*.proto), in proto field names
// (snake_case) where a client may send them.
const VULN_NOTE = {
  short_description: 'CVE-2023-0286: X.400 address type confusion in X.509 GeneralName',
  long_description: 'There is a type confusion vulnerability relating to X.400 address processing.',
  related_url: [{ url: 'https://nvd.nist.gov/vuln/detail/CVE-2023-0286', label: 'NVD' }],
  vulnerability: {
    cvss_score: 7.4,
    severity: 'HIGH',
    cvss_version: 'CVSS_VERSION_3',
    details: [
      {
        affected_cpe_uri: 'cpe:/o:debian:debian_linux:12',
        affected_package: 'openssl',
        affected_version_start: { kind: 'MINIMUM' },
        affected_version_end: { epoch: 0, name: '3.0.8', revision: '1', kind: 'NORMAL', inclusive: false },
        fixed_version: { name: '3.0.8', revision: '1', kind: 'NORMAL' },
        package_type: 'OS',
        severity_name: 'HIGH',
        source: 'debian',
      },
    ],
    cvss_v3: { base_score: 7.4, attack_vector: 'ATTACK_VECTOR_NETWORK', attack_complexity: 'ATTACK_COMPLEXITY_HIGH', privileges_required: 'PRIVILEGES_REQUIRED_NONE', user_interaction: 'USER_INTERACTION_NONE', scope: 'SCOPE_UNCHANGED', confidentiality_impact: 'IMPACT_HIGH', integrity_impact: 'IMPACT_NONE', availability_impact: 'IMPACT_HIGH' },
  },
};
const IMAGE = 'https://registry.example/team/app@sha256:4d5e6f00112233445566778899aabbccddeeff00112233445566778899aabbcc';
const VULN_OCC = {
  resource_uri: IMAGE,
  note_name: 'projects/provider/notes/CVE-2023-0286',
  kind: 'VULNERABILITY',
  remediation: 'Upgrade openssl to 3.0.8-1',
  vulnerability: {
    type: 'OS',
    severity: 'HIGH',
    cvss_score: 7.4,
    effective_severity: 'HIGH',
    fix_available: true,
    cvssv3: { base_score: 7.4, attack_vector: 'ATTACK_VECTOR_NETWORK' },
    cvss_version: 'CVSS_VERSION_3',
    package_issue: [
      {
        affected_cpe_uri: 'cpe:/o:debian:debian_linux:12',
        affected_package: 'openssl',
        affected_version: { name: '3.0.7', revision: '1', kind: 'NORMAL' },
        fixed_cpe_uri: 'cpe:/o:debian:debian_linux:12',
        fixed_package: 'openssl',
        fixed_version: { name: '3.0.8', revision: '1', kind: 'NORMAL' },
        fix_available: true,
        package_type: 'OS',
        effective_severity: 'HIGH',
        file_location: [{ file_path: '/var/lib/dpkg/status' }],
      },
    ],
    vex_assessment: { vulnerability_id: 'CVE-2023-0286', note_name: 'projects/provider/notes/vex-1', state: 'AFFECTED', impacts: ['reachable'] },
  },
};
const PAYLOAD = Buffer.from(JSON.stringify({ _type: 'https://in-toto.io/Statement/v1', subject: [{ name: 'app', digest: { sha256: '4d5e' } }], predicateType: 'https://slsa.dev/provenance/v1' })).toString('base64');
const DSSE_NOTE = { short_description: 'Build provenance', dsse_attestation: { hint: { human_readable_name: 'ci-builder' } } };
const DSSE_OCC = {
  resourceUri: IMAGE,
  noteName: 'projects/provider/notes/provenance',
  dsseAttestation: { envelope: { payload: PAYLOAD, payloadType: 'application/vnd.in-toto+json', signatures: [{ sig: 'MEUCIQDx', keyid: 'sha256:abc' }] } },
  envelope: { payload: PAYLOAD, payloadType: 'application/vnd.in-toto+json', signatures: [{ sig: 'MEUCIQDx', keyid: 'sha256:abc' }] },
};
const SBOM_NOTE = { sbom_reference: { format: 'CycloneDX', version: '1.6' } };
const SBOM_OCC = {
  resource_uri: IMAGE,
  note_name: 'projects/provider/notes/sbom',
  sbom_reference: {
    payload: { _type: 'https://in-toto.io/Statement/v0.1', predicate_type: 'https://bcid.corp.google.com/reference/v0.1', subject: [{ name: 'app', digest: { sha256: '4d5e' } }], predicate: { referrer_id: 'portcullis', location: 'gs://bucket/sbom.json', mime_type: 'application/vnd.cyclonedx+json', digest: { sha256: 'ff00' } } },
    payload_type: 'application/vnd.in-toto+json',
    signatures: [{ sig: 'MEQ', keyid: 'k1' }],
  },
};

describe.each(testBackends('server'))('metadata API on $name', (backend) => {
  let store: Store | undefined;
  let s: ServerApp;
  let call: ReturnType<typeof client>;
  const tok: Record<string, string> = {};
  const logLines: string[] = [];

  function app(extra: Partial<AppOptions> = {}) {
    return createApp({ db: store!.db, audit: (db, e) => appendAudit(db, e), rateLimit: false, ...extra });
  }

  async function auditEntries(): Promise<AuditRecord[]> {
    const out: AuditRecord[] = [];
    for await (const r of readAudit(store!.db)) out.push(r);
    return out;
  }

  beforeAll(async () => {
    store = await backend.open();
    if (!store) return;
    const sink = new Writable({ write: (chunk, _enc, cb) => (logLines.push(String(chunk)), cb()) });
    s = app({ logger: createLogger({ destination: sink }), metrics: createMetrics() });
    call = client(s);
    const past = new Date(Date.now() - 1000);
    for (const [key, o] of Object.entries({
      admin: { projects: ['*'], role: 'admin' },
      provider: { projects: ['provider'], role: 'writer' },
      writer: { projects: ['p1'], role: 'writer' },
      viewer: { projects: ['p1'], role: 'viewer' },
      other: { projects: ['p2'], role: 'writer' },
      both: { projects: ['p1', 'provider'], role: 'writer' },
      expired: { projects: ['p1'], role: 'writer', expiresAt: past },
      revoked: { projects: ['p1'], role: 'writer' },
    })) {
      const made = await createToken(store.db, o);
      tok[key] = made.token;
      if (key === 'revoked') await revokeToken(store.db, made.info.id);
    }
  });

  afterAll(async () => {
    await store?.close();
    backend.cleanup();
  });

  it('round-trips a VULNERABILITY note and occurrence (packageIssue, cvssV3, vexAssessment), snake_case in, lowerCamelCase out', async (tc) => {
    if (!store) return tc.skip();
    const n = await call('POST', '/v1/projects/provider/notes?noteId=CVE-2023-0286', { token: tok.provider, body: VULN_NOTE });
    expect(n.status).toBe(200);
    expect(n.json).toMatchObject({ name: 'projects/provider/notes/CVE-2023-0286', kind: 'VULNERABILITY', shortDescription: VULN_NOTE.short_description, relatedUrl: [{ url: VULN_NOTE.related_url[0]!.url, label: 'NVD' }] });
    expect(n.json.vulnerability).toEqual({
      cvssScore: 7.4,
      severity: 'HIGH',
      cvssVersion: 'CVSS_VERSION_3',
      details: [{ affectedCpeUri: 'cpe:/o:debian:debian_linux:12', affectedPackage: 'openssl', affectedVersionStart: { kind: 'MINIMUM' }, affectedVersionEnd: { epoch: 0, name: '3.0.8', revision: '1', kind: 'NORMAL', inclusive: false }, fixedVersion: { name: '3.0.8', revision: '1', kind: 'NORMAL' }, packageType: 'OS', severityName: 'HIGH', source: 'debian' }],
      cvssV3: { baseScore: 7.4, attackVector: 'ATTACK_VECTOR_NETWORK', attackComplexity: 'ATTACK_COMPLEXITY_HIGH', privilegesRequired: 'PRIVILEGES_REQUIRED_NONE', userInteraction: 'USER_INTERACTION_NONE', scope: 'SCOPE_UNCHANGED', confidentialityImpact: 'IMPACT_HIGH', integrityImpact: 'IMPACT_NONE', availabilityImpact: 'IMPACT_HIGH' },
    });
    expect(Date.parse(n.json.createTime)).toBeGreaterThan(0);
    expect(n.json.updateTime).toBe(n.json.createTime);
    expect(Object.keys(n.json).some((k) => k.includes('_'))).toBe(false);

    const o = await call('POST', '/v1/projects/p1/occurrences', { token: tok.both, body: VULN_OCC });
    expect(o.status).toBe(200);
    expect(o.json.name).toMatch(/^projects\/p1\/occurrences\/[0-9a-f-]{36}$/);
    expect(o.json).toMatchObject({ resourceUri: IMAGE, noteName: 'projects/provider/notes/CVE-2023-0286', kind: 'VULNERABILITY', remediation: 'Upgrade openssl to 3.0.8-1' });
    expect(o.json.vulnerability.packageIssue).toEqual([
      { affectedCpeUri: 'cpe:/o:debian:debian_linux:12', affectedPackage: 'openssl', affectedVersion: { name: '3.0.7', revision: '1', kind: 'NORMAL' }, fixedCpeUri: 'cpe:/o:debian:debian_linux:12', fixedPackage: 'openssl', fixedVersion: { name: '3.0.8', revision: '1', kind: 'NORMAL' }, fixAvailable: true, packageType: 'OS', effectiveSeverity: 'HIGH', fileLocation: [{ filePath: '/var/lib/dpkg/status' }] },
    ]);
    expect(o.json.vulnerability.cvssv3).toEqual({ baseScore: 7.4, attackVector: 'ATTACK_VECTOR_NETWORK' });
    expect(o.json.vulnerability.vexAssessment).toEqual({ vulnerabilityId: 'CVE-2023-0286', noteName: 'projects/provider/notes/vex-1', state: 'AFFECTED', impacts: ['reachable'] });

    const got = await call('GET', `/v1/${o.json.name}`, { token: tok.viewer });
    expect(got.json).toEqual(o.json);
    const note = await call('GET', `/v1/${o.json.name}/notes`, { token: tok.viewer });
    expect(note.status).toBe(200);
    expect(note.json).toEqual(n.json);
    const occs = await call('GET', '/v1/projects/provider/notes/CVE-2023-0286/occurrences', { token: tok.both });
    expect(occs.json.occurrences.map((x: Json) => x.name)).toEqual([o.json.name]);
    // A provider-only token sees no occurrences of projects it may not read.
    const hidden = await call('GET', '/v1/projects/provider/notes/CVE-2023-0286/occurrences', { token: tok.provider });
    expect(hidden.json.occurrences).toEqual([]);
  });

  it('round-trips a DSSE_ATTESTATION occurrence with its envelope, and an SBOM_REFERENCE', async (tc) => {
    if (!store) return tc.skip();
    const batch = await call('POST', '/v1/projects/provider/notes:batchCreate', { token: tok.provider, body: { notes: { provenance: DSSE_NOTE, sbom: SBOM_NOTE } } });
    expect(batch.status).toBe(200);
    expect(batch.json.notes.map((x: Json) => [x.name, x.kind])).toEqual([
      ['projects/provider/notes/provenance', 'DSSE_ATTESTATION'],
      ['projects/provider/notes/sbom', 'SBOM_REFERENCE'],
    ]);
    expect(batch.json.notes[0].dsseAttestation).toEqual({ hint: { humanReadableName: 'ci-builder' } });
    const occ = await call('POST', '/v1/projects/p1/occurrences:batchCreate', { token: tok.both, body: { occurrences: [DSSE_OCC, SBOM_OCC] } });
    expect(occ.status).toBe(200);
    const [dsse, sbom] = occ.json.occurrences;
    expect(dsse).toMatchObject({ kind: 'DSSE_ATTESTATION', envelope: DSSE_OCC.envelope, dsseAttestation: DSSE_OCC.dsseAttestation });
    expect(Buffer.from(dsse.envelope.payload, 'base64').toString()).toContain('in-toto.io/Statement/v1');
    expect(sbom.kind).toBe('SBOM_REFERENCE');
    // predicate (a free-form Struct) keeps its keys; typed fields become lowerCamelCase.
    expect(sbom.sbomReference).toEqual({ payload: { _type: 'https://in-toto.io/Statement/v0.1', predicateType: 'https://bcid.corp.google.com/reference/v0.1', subject: [{ name: 'app', digest: { sha256: '4d5e' } }], predicate: SBOM_OCC.sbom_reference.payload.predicate }, payloadType: 'application/vnd.in-toto+json', signatures: [{ sig: 'MEQ', keyid: 'k1' }] });
    const list = await call('GET', `/v1/projects/p1/occurrences?filter=${encodeURIComponent(`kind="DSSE_ATTESTATION" AND resourceUri="${IMAGE}"`)}`, { token: tok.viewer });
    expect(list.json.occurrences.map((x: Json) => x.name)).toEqual([dsse.name]);
    expect(list.json.nextPageToken).toBe('');
  });

  it('validates kind ↔ details, required fields and JSON, with Google error bodies', async (tc) => {
    if (!store) return tc.skip();
    const bad = async (path: string, body: unknown, naming: string | string[] | undefined, raw?: string) => {
      const r = await call('POST', path, { token: tok.admin, ...(raw !== undefined ? { raw } : { body }) });
      expect(r).toBeApiError('METADATA_INVALID', { http: 400, rpc: 'INVALID_ARGUMENT', naming });
    };
    await bad('/v1/projects/p1/notes?noteId=x', { kind: 'BUILD', vulnerability: {} }, ['BUILD', '"vulnerability"']);
    await bad('/v1/projects/p1/notes?noteId=x', { vulnerability: {}, build: {} }, ['"vulnerability"', '"build"']);
    await bad('/v1/projects/p1/notes?noteId=x', { shortDescription: 'no kind' }, '"kind"');
    await bad('/v1/projects/p1/notes?noteId=x', { kind: 'NOPE' }, '"NOPE"');
    await bad('/v1/projects/p1/notes?noteId=x', { vulnerability: {}, colour: 'red' }, '"colour"');
    await bad('/v1/projects/p1/notes?noteId=x', { vulnerability: { severity: 'SCARY' } }, 'vulnerability.severity');
    await bad('/v1/projects/p1/notes?noteId=x', { vulnerability: {}, expirationTime: 'tomorrow' }, 'expirationTime');
    await bad('/v1/projects/p1/notes?noteId=x', { short_description: 'a', shortDescription: 'b', vulnerability: {} }, 'shortDescription');
    await bad('/v1/projects/p1/notes', { vulnerability: {} }, 'noteId');
    await bad('/v1/projects/p1/notes?noteId=a:b', { vulnerability: {} }, '"a:b"');
    await bad('/v1/projects/p1/notes?noteId=x', undefined, undefined, '{"vulnerability":');
    await bad('/v1/projects/p1/occurrences', { noteName: 'projects/provider/notes/sbom', sbomReference: {} }, '"resourceUri"');
    await bad('/v1/projects/p1/occurrences', { resourceUri: IMAGE, sbomReference: {} }, '"noteName"');
    await bad('/v1/projects/p1/occurrences', { resourceUri: IMAGE, noteName: 'notes/x', sbomReference: {} }, '"notes/x"');
    await bad('/v1/projects/p1/occurrences', { resourceUri: IMAGE, noteName: 'projects/provider/notes/sbom', kind: 'VULNERABILITY', sbomReference: {} }, ['VULNERABILITY', '"sbomReference"']);
    await bad('/v1/projects/p1/occurrences', { resourceUri: IMAGE, noteName: 'projects/provider/notes/sbom', envelope: { payload: 'not base64!' }, sbomReference: {} }, 'envelope.payload');
    const noNote = await call('POST', '/v1/projects/p1/occurrences', { token: tok.admin, body: { resourceUri: IMAGE, noteName: 'projects/provider/notes/none', sbomReference: {} } });
    expect(noNote).toBeApiError('METADATA_NOT_FOUND', { http: 404, rpc: 'NOT_FOUND', naming: '"projects/provider/notes/none"' });
    const dup = await call('POST', '/v1/projects/provider/notes?noteId=sbom', { token: tok.provider, body: SBOM_NOTE });
    expect(dup).toBeApiError('METADATA_EXISTS', { http: 409, rpc: 'ALREADY_EXISTS' });
    const missing = await call('GET', '/v1/projects/p1/notes/nope', { token: tok.viewer });
    expect(missing).toBeApiError('METADATA_NOT_FOUND', { http: 404, rpc: 'NOT_FOUND', naming: '"projects/p1/notes/nope"' });
    expect((await call('GET', '/v1/projects/p1/nothing', { token: tok.viewer })).status).toBe(404);
    const verb = await call('PUT', '/v1/projects/p1/notes', { token: tok.viewer });
    expect(verb.status).toBe(405);
    expect(verb.headers.get('allow')).toBe('GET, POST');
  });

  it('batchCreate is all-or-nothing and capped at 1000', async (tc) => {
    if (!store) return tc.skip();
    const before = (await call('GET', '/v1/projects/p1/notes?pageSize=1000', { token: tok.viewer })).json.notes.length;
    const exists = await call('POST', '/v1/projects/provider/notes:batchCreate', { token: tok.provider, body: { notes: { fresh1: SBOM_NOTE, sbom: SBOM_NOTE } } });
    expect(exists.status).toBe(409);
    expect((await call('GET', '/v1/projects/provider/notes/fresh1', { token: tok.provider })).status).toBe(404);
    const invalid = await call('POST', '/v1/projects/p1/notes:batchCreate', { token: tok.writer, body: { notes: { a: SBOM_NOTE, b: { kind: 'BUILD', image: {} } } } });
    expect(invalid).toBeApiError('METADATA_INVALID', { http: 400, naming: 'notes "b"' });
    const tooMany = await call('POST', '/v1/projects/p1/notes:batchCreate', { token: tok.writer, body: { notes: Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`n${i}`, SBOM_NOTE])) } });
    expect(tooMany).toBeApiError('METADATA_INVALID', { http: 400, naming: ['1000', '1001'] });
    expect((await call('GET', '/v1/projects/p1/notes?pageSize=1000', { token: tok.viewer })).json.notes.length).toBe(before);
    const occBefore = (await call('GET', '/v1/projects/p1/occurrences?pageSize=1000', { token: tok.viewer })).json.occurrences.length;
    const partial = await call('POST', '/v1/projects/p1/occurrences:batchCreate', { token: tok.both, body: { occurrences: [SBOM_OCC, { ...SBOM_OCC, note_name: 'projects/provider/notes/none' }] } });
    expect(partial.status).toBe(404);
    const bad = await call('POST', '/v1/projects/p1/occurrences:batchCreate', { token: tok.both, body: { occurrences: [SBOM_OCC, { ...SBOM_OCC, kind: 'BUILD' }] } });
    expect(bad).toBeApiError('METADATA_INVALID', { http: 400, naming: 'occurrences [1]' });
    expect((await call('GET', '/v1/projects/p1/occurrences?pageSize=1000', { token: tok.viewer })).json.occurrences.length).toBe(occBefore);
    const full = await call('POST', '/v1/projects/p1/notes:batchCreate', { token: tok.writer, body: { notes: Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`bulk-${i}`, { kind: 'PACKAGE', package: { name: `pkg${i}` } }])) } });
    expect(full.status).toBe(200);
    expect(full.json.notes).toHaveLength(1000);
  });

  it('updates with and without updateMask; immutable fields refused; deletes', async (tc) => {
    if (!store) return tc.skip();
    await call('POST', '/v1/projects/p1/notes?noteId=upd', { token: tok.writer, body: { shortDescription: 'old', longDescription: 'keep', vulnerability: { severity: 'LOW', cvssScore: 3 } } });
    const t0 = (await call('GET', '/v1/projects/p1/notes/upd', { token: tok.viewer })).json;
    await new Promise((r) => setTimeout(r, 5));
    const masked = await call('PATCH', '/v1/projects/p1/notes/upd?updateMask=short_description,vulnerability.severity', { token: tok.writer, body: { shortDescription: 'new', longDescription: 'ignored', vulnerability: { severity: 'CRITICAL', cvssScore: 99 } } });
    expect(masked.status).toBe(200);
    expect(masked.json).toMatchObject({ shortDescription: 'new', longDescription: 'keep', vulnerability: { severity: 'CRITICAL', cvssScore: 3 }, createTime: t0.createTime });
    expect(Date.parse(masked.json.updateTime)).toBeGreaterThan(Date.parse(t0.updateTime));
    const cleared = await call('PATCH', '/v1/projects/p1/notes/upd?updateMask=longDescription', { token: tok.writer, body: {} });
    expect(cleared.json.longDescription).toBeUndefined();
    const replaced = await call('PATCH', '/v1/projects/p1/notes/upd', { token: tok.writer, body: { shortDescription: 'replaced', vulnerability: { severity: 'HIGH' } } });
    expect(replaced.json).toMatchObject({ name: 'projects/p1/notes/upd', kind: 'VULNERABILITY', shortDescription: 'replaced', vulnerability: { severity: 'HIGH' } });
    expect(replaced.json.vulnerability.cvssScore).toBeUndefined();
    expect(await call('PATCH', '/v1/projects/p1/notes/upd?updateMask=kind', { token: tok.writer, body: { kind: 'BUILD' } })).toBeApiError('METADATA_INVALID', { http: 400, naming: 'Field "kind"' });
    expect((await call('PATCH', '/v1/projects/p1/notes/upd', { token: tok.writer, body: { build: {} } })).status).toBe(400);
    const occ = (await call('POST', '/v1/projects/p1/occurrences', { token: tok.writer, body: { resourceUri: IMAGE, noteName: 'projects/p1/notes/upd', vulnerability: { effectiveSeverity: 'HIGH' } } })).json;
    const om = await call('PATCH', `/v1/${occ.name}?updateMask=remediation,vulnerability.fixAvailable`, { token: tok.writer, body: { remediation: 'patch it', vulnerability: { fixAvailable: true } } });
    expect(om.json).toMatchObject({ remediation: 'patch it', resourceUri: IMAGE, vulnerability: { effectiveSeverity: 'HIGH', fixAvailable: true } });
    expect((await call('PATCH', `/v1/${occ.name}?updateMask=resourceUri`, { token: tok.writer, body: { resourceUri: 'x' } })).status).toBe(400);
    expect(await call('PATCH', `/v1/${occ.name}`, { token: tok.writer, body: { resourceUri: 'other', vulnerability: {} } })).toBeApiError('METADATA_INVALID', { http: 400, naming: 'Field "resourceUri"' });
    const whole = await call('PATCH', `/v1/${occ.name}`, { token: tok.writer, body: { vulnerability: { effectiveSeverity: 'LOW' } } });
    expect(whole.json).toMatchObject({ resourceUri: IMAGE, noteName: 'projects/p1/notes/upd', vulnerability: { effectiveSeverity: 'LOW' } });
    expect(whole.json.remediation).toBeUndefined();
    expect((await call('DELETE', `/v1/${occ.name}`, { token: tok.writer })).json).toEqual({});
    expect((await call('GET', `/v1/${occ.name}`, { token: tok.writer })).status).toBe(404);
    expect((await call('DELETE', `/v1/${occ.name}`, { token: tok.writer })).status).toBe(404);
    expect((await call('DELETE', '/v1/projects/p1/notes/upd', { token: tok.writer })).status).toBe(200);
    expect((await call('GET', '/v1/projects/p1/notes/upd', { token: tok.writer })).status).toBe(404);
  });

  it('serves the same routes under projects/*/locations/*, as distinct resources', async (tc) => {
    if (!store) return tc.skip();
    const n = await call('POST', '/v1/projects/p1/locations/europe-west1/notes?noteId=loc', { token: tok.writer, body: { package: { name: 'zlib' } } });
    expect(n.json.name).toBe('projects/p1/locations/europe-west1/notes/loc');
    const o = await call('POST', '/v1/projects/p1/locations/europe-west1/occurrences:batchCreate', { token: tok.writer, body: { occurrences: [{ resourceUri: IMAGE, noteName: n.json.name, package: { name: 'zlib' } }] } });
    expect(o.json.occurrences[0].name).toMatch(/^projects\/p1\/locations\/europe-west1\/occurrences\//);
    expect((await call('GET', `/v1/${o.json.occurrences[0].name}/notes`, { token: tok.viewer })).json.name).toBe(n.json.name);
    expect((await call('GET', '/v1/projects/p1/notes/loc', { token: tok.viewer })).status).toBe(404);
    expect((await call('GET', `/v1/${n.json.name}/occurrences`, { token: tok.viewer })).json.occurrences).toHaveLength(1);
    expect((await call('GET', '/v1/projects/p1/locations/europe-west1/notes', { token: tok.viewer })).json.notes.map((x: Json) => x.name)).toEqual([n.json.name]);
  });

  it('summarises vulnerability occurrences per resource and severity', async (tc) => {
    if (!store) return tc.skip();
    await call('POST', '/v1/projects/p3sum/notes?noteId=v', { token: tok.admin, body: { vulnerability: {} } });
    const occ = (sev: string, fix: boolean, uri = IMAGE) => ({ resourceUri: uri, noteName: 'projects/p3sum/notes/v', vulnerability: { effectiveSeverity: sev, fixAvailable: fix } });
    await call('POST', '/v1/projects/p3sum/occurrences:batchCreate', { token: tok.admin, body: { occurrences: [occ('HIGH', true), occ('HIGH', false), occ('LOW', true), occ('CRITICAL', true, 'https://r/other')] } });
    const r = await call('GET', '/v1/projects/p3sum/occurrences:vulnerabilitySummary', { token: tok.admin });
    expect(r.status).toBe(200);
    expect(r.json.counts).toEqual([
      { resourceUri: 'https://r/other', severity: 'SEVERITY_UNSPECIFIED', fixableCount: '1', totalCount: '1' },
      { resourceUri: 'https://r/other', severity: 'CRITICAL', fixableCount: '1', totalCount: '1' },
      { resourceUri: IMAGE, severity: 'SEVERITY_UNSPECIFIED', fixableCount: '2', totalCount: '3' },
      { resourceUri: IMAGE, severity: 'HIGH', fixableCount: '1', totalCount: '2' },
      { resourceUri: IMAGE, severity: 'LOW', fixableCount: '1', totalCount: '1' },
    ]);
    const f = await call('GET', `/v1/projects/p3sum/occurrences:vulnerabilitySummary?filter=${encodeURIComponent('resourceUri="https://r/other"')}`, { token: tok.admin });
    expect(f.json.counts).toHaveLength(2);
  });

  it('pages with keyset tokens that stay correct while rows are inserted', async (tc) => {
    if (!store) return tc.skip();
    await call('POST', '/v1/projects/pg/notes?noteId=n', { token: tok.admin, body: { discovery: { analysisKind: 'VULNERABILITY' } } });
    const mk = (i: number) => ({ resourceUri: `https://r/img${i}`, noteName: 'projects/pg/notes/n', discovery: { analysisStatus: 'FINISHED_SUCCESS' } });
    const first = await call('POST', '/v1/projects/pg/occurrences:batchCreate', { token: tok.admin, body: { occurrences: Array.from({ length: 50 }, (_, i) => mk(i)) } });
    const original = first.json.occurrences.map((o: Json) => o.name);
    const seen: string[] = [];
    let token = '';
    let pages = 0;
    const filter = encodeURIComponent('kind="DISCOVERY"');
    do {
      const r = await call('GET', `/v1/projects/pg/occurrences?pageSize=7&filter=${filter}${token ? `&pageToken=${token}` : ''}`, { token: tok.admin });
      expect(r.status).toBe(200);
      seen.push(...r.json.occurrences.map((o: Json) => o.name));
      token = r.json.nextPageToken;
      pages++;
      // Concurrent writers: new rows land while the client pages.
      if (pages < 4) await call('POST', '/v1/projects/pg/occurrences:batchCreate', { token: tok.admin, body: { occurrences: [mk(100 + pages), mk(200 + pages)] } });
    } while (token && pages < 50);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.slice(0, 50)).toEqual(original);
    expect(seen).toHaveLength(56);
    // Defaults and limits.
    expect((await call('GET', '/v1/projects/pg/occurrences', { token: tok.admin })).json.occurrences).toHaveLength(20);
    expect((await call('GET', '/v1/projects/pg/occurrences?page_size=5000', { token: tok.admin })).json.occurrences).toHaveLength(56);
    expect((await call('GET', '/v1/projects/pg/occurrences?pageSize=-1', { token: tok.admin })).status).toBe(400);
    // Tokens are opaque, validated, and bound to their list.
    const p1 = await call('GET', `/v1/projects/pg/occurrences?pageSize=5&filter=${filter}`, { token: tok.admin });
    const t = p1.json.nextPageToken as string;
    expect(t).toMatch(/^[A-Za-z0-9_-]+$/);
    for (const bad of [`${t.slice(0, -2)}xx`, 'garbage', Buffer.from('{"v":1,"s":"1","d":"x"}').toString('base64url')]) {
      const r = await call('GET', `/v1/projects/pg/occurrences?pageSize=5&filter=${filter}&pageToken=${bad}`, { token: tok.admin });
      expect(r).toBeApiError('PAGE_TOKEN_INVALID', { http: 400, naming: 'pageToken' });
    }
    expect((await call('GET', `/v1/projects/pg/occurrences?pageSize=5&pageToken=${t}`, { token: tok.admin })).status).toBe(400);
    expect((await call('GET', `/v1/projects/pg/occurrences?pageSize=5&filter=${filter}&pageToken=${t}`, { token: tok.admin })).status).toBe(200);
    const bad = await call('GET', `/v1/projects/pg/occurrences?filter=${encodeURIComponent('kind="DISCOVERY" AND')}`, { token: tok.admin });
    expect(bad.status).toBe(400);
    expect(bad.json.error.status).toBe('INVALID_ARGUMENT');
  });

  it('authorises every request: 401 for missing, wrong or expired credentials, 403 for missing rights', async (tc) => {
    if (!store) return tc.skip();
    await call('POST', '/v1/projects/p1/notes?noteId=authz', { token: tok.admin, body: { vulnerability: {} } });
    const cases: [string, string | undefined, { read: number; write: number }][] = [
      ['no token', undefined, { read: 401, write: 401 }],
      ['garbage', 'not-a-token', { read: 401, write: 401 }],
      ['unknown', `pcs_000000000000_${'A'.repeat(43)}`, { read: 401, write: 401 }],
      ['expired', tok.expired, { read: 401, write: 401 }],
      ['revoked', tok.revoked, { read: 401, write: 401 }],
      ['viewer p1', tok.viewer, { read: 200, write: 403 }],
      ['writer p1', tok.writer, { read: 200, write: 200 }],
      ['writer p2', tok.other, { read: 403, write: 403 }],
      ['admin *', tok.admin, { read: 200, write: 200 }],
    ];
    let i = 0;
    for (const [label, token, want] of cases) {
      const read = await call('GET', '/v1/projects/p1/notes/authz', token ? { token } : {});
      const write = await call('POST', `/v1/projects/p1/notes?noteId=authz-${i++}`, { ...(token ? { token } : {}), body: { vulnerability: {} } });
      expect([label, read.status, write.status]).toEqual([label, want.read, want.write]);
      if (want.read === 401) {
        expect(read.json.error).toMatchObject({ code: 401, status: 'UNAUTHENTICATED' });
        expect(read.headers.get('www-authenticate')).toMatch(/^Bearer/);
      }
      if (want.write === 403) expect(write.json.error).toMatchObject({ code: 403, status: 'PERMISSION_DENIED' });
    }
    expect((await call('GET', '/v1/projects/p1/notes/authz', { headers: { authorization: 'Basic dXNlcjpwdw==' } })).status).toBe(401);
    // Attaching an occurrence to a note of a project the token cannot read is refused.
    const cross = await call('POST', '/v1/projects/p2/occurrences', { token: tok.other, body: { resourceUri: IMAGE, noteName: 'projects/p1/notes/authz', vulnerability: {} } });
    expect(cross.status).toBe(403);
    // Denials are in the audit log, with the token id and never the secret.
    const denied = (await auditEntries()).filter((e) => e.outcome === 'denied');
    expect(denied.filter((e) => e.detail?.status === 401).length).toBeGreaterThanOrEqual(11);
    // viewer write, p2 read and write, the cross-project attach
    expect(denied.filter((e) => e.detail?.status === 403).length).toBeGreaterThanOrEqual(4);
    expect(denied.some((e) => e.actor.startsWith('token:') && e.action === 'notes.create' && e.resource === 'projects/p1/notes')).toBe(true);
    expect(JSON.stringify(denied)).not.toContain(tok.expired!.slice(17));
    expect(logLines.join('')).not.toContain(tok.admin!.slice(17));
  });

  it('audits every write in the transaction of the write; the chain verifies', async (tc) => {
    if (!store) return tc.skip();
    const before = (await auditEntries()).length;
    const r = await call('POST', '/v1/projects/p1/occurrences:batchCreate', { token: tok.writer, body: { occurrences: [{ resourceUri: IMAGE, noteName: 'projects/p1/notes/authz', vulnerability: {} }] } });
    expect(r.status).toBe(200);
    const failed = await call('POST', '/v1/projects/p1/notes?noteId=authz', { token: tok.writer, body: { vulnerability: {} } });
    expect(failed.status).toBe(409);
    const after = (await auditEntries()).slice(before);
    expect(after.map((e) => [e.action, e.outcome, e.resource])).toEqual([
      ['occurrences.batchCreate', 'ok', 'projects/p1'],
      ['notes.create', 'error', 'projects/p1/notes'],
    ]);
    expect(after[0]!.detail).toEqual({ count: 1, ids: [r.json.occurrences[0].name.split('/').pop()] });
    expect(after[0]!.actor).toMatch(/^token:[0-9a-f]{12}$/);
    // A write whose audit append fails is not committed.
    const broken = createApp({ db: store.db, rateLimit: false, audit: async (db) => (db.isTransaction ? Promise.reject(new Error('audit down')) : undefined) });
    const lost = await client(broken)('POST', '/v1/projects/p1/notes?noteId=never', { token: tok.writer, body: { vulnerability: {} } });
    expect(lost.status).toBe(500);
    expect((await call('GET', '/v1/projects/p1/notes/never', { token: tok.writer })).status).toBe(404);
    expect((await verifyAudit(store.db)).ok).toBe(true);
  });

  it('answers /healthz and /openapi.json without auth, /readyz from the database, /metrics to admins', async (tc) => {
    if (!store) return tc.skip();
    expect(await call('GET', '/healthz')).toMatchObject({ status: 200, json: { status: 'ok' } });
    expect(await call('GET', '/readyz')).toMatchObject({ status: 200, json: { status: 'ok' } });
    const doc = await call('GET', '/openapi.json');
    expect(doc.json.openapi).toBe('3.1.0');
    expect(Object.keys(doc.json.paths)).toEqual(expect.arrayContaining(['/v1/projects/{project}/notes', '/v1/projects/{project}/notes:batchCreate', '/v1/projects/{project}/occurrences/{occurrence}/notes', '/v1/projects/{project}/locations/{location}/occurrences:vulnerabilitySummary']));
    expect(doc.json.paths['/v1/projects/{project}/notes/{note}'].patch.parameters.map((p: Json) => p.name)).toEqual(['project', 'note', 'updateMask']);
    expect((await call('GET', '/metrics')).status).toBe(401);
    expect((await call('GET', '/metrics', { token: tok.writer })).status).toBe(403);
    const m = await call('GET', '/metrics', { token: tok.admin });
    expect(m.status).toBe(200);
    expect(m.json.text).toMatch(/portcullis_http_requests_total\{method="GET",route="\/v1\/projects\/\{project\}\/notes\/\{note\}",status="200"\} \d+/);
    expect(m.json.text).toMatch(/portcullis_http_request_duration_seconds_bucket\{/);
    s.state.draining = true;
    expect((await call('GET', '/readyz')).status).toBe(503);
    s.state.draining = false;
    const log = logLines.map((l) => JSON.parse(l)).find((l) => l.route === '/v1/projects/{project}/notes/{note}');
    expect(log).toMatchObject({ msg: 'request', method: 'GET', status: expect.any(Number), actor: expect.any(String) });
  });

  it('limits request bodies (413) and request rates per token (429 with Retry-After)', async (tc) => {
    if (!store) return tc.skip();
    const small = client(app({ maxBodyBytes: 1024 }));
    const big = await small('POST', '/v1/projects/p1/notes?noteId=big', { token: tok.writer, body: { vulnerability: { details: [{ description: 'x'.repeat(4096) }] } } });
    expect(big.status).toBe(413);
    expect(big.json.error.code).toBe(413);
    const limited = client(app({ rateLimit: { perSecond: 0.5, burst: 3 } }));
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await limited('GET', '/v1/projects/p1/notes', { token: tok.viewer })).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const r = await limited('GET', '/v1/projects/p1/notes', { token: tok.viewer });
    expect(r.json.error.status).toBe('RESOURCE_EXHAUSTED');
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Another token has its own bucket.
    expect((await limited('GET', '/v1/projects/p1/notes', { token: tok.writer })).status).toBe(200);
    // Failed authentications share a bucket per client address.
    const unauth: number[] = [];
    for (let i = 0; i < 5; i++) unauth.push((await limited('GET', '/v1/projects/p1/notes', { token: 'wrong' })).status);
    expect(unauth).toEqual([401, 401, 401, 429, 429]);
  });
});

describe('logger', () => {
  it('redacts authorization headers and tokens', () => {
    const lines: string[] = [];
    const log = createLogger({ destination: new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }) });
    log.info({ req: { headers: { authorization: 'Bearer pcs_secret' } }, headers: { authorization: 'Bearer x' }, token: 'pcs_abc' }, 'hello');
    expect(lines.join('')).not.toMatch(/pcs_|Bearer/);
    expect(lines.join('')).toContain('[REDACTED]');
  });
});
