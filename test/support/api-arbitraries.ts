/**
 * fast-check arbitraries of HTTP requests to the metadata server: every route of the route table
 * (src/server/routes/grafeas-table.ts) under both parents, with path segments, query parameters, filters and
 * bodies that mix valid Grafeas values, every field of the Note and Occurrence schemas, and
 * hostile input (NUL, lone surrogates, invalid UTF-8 and percent-encoding, deep nesting,
 * `__proto__` keys, huge numbers, numbers as strings, overlong text). Shared by the suite's short
 * property test (test/server-fuzz.test.ts) and the long run (bench/fuzz-api.ts).
 */
import fc from 'fast-check';
import { KIND_NAMES, NOTE_DETAIL_FIELDS, OCCURRENCE_DETAIL_FIELDS } from '../../src/metadata/kinds.js';
import { GRAFEAS_SEVERITIES } from '../../src/core/severity.js';
import { noteSchema, occurrenceSchema, vulnerabilityNoteSchema, vulnerabilityOccurrenceSchema } from '../../src/metadata/schema.js';
import { ROUTES } from '../../src/server/routes/grafeas-table.js';

export interface FuzzRequest {
  method: string;
  /** Path and query, already percent-encoded (possibly wrongly, on purpose). */
  path: string;
  body?: Uint8Array;
  /** Which credentials: the writer token, the viewer one, a wrong one, none. */
  auth: 'writer' | 'viewer' | 'bad' | 'none';
}

/** Ids that exist once the fuzz target is seeded (seedFuzzTarget). */
export interface FuzzIds {
  project: string;
  notes: string[];
  occurrences: string[];
}

const HOSTILE = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff',
  'x\ud83d',
  '\ude00y',
  '\ud83d\ude00',
  '\u202e\u0301',
  '\uffff\ufffe',
  '%00',
  '%',
  '%zz',
  "'",
  '"',
  '\\',
  "' OR 1=1 --",
  '"; drop table metadata_occurrences; --',
  '\r\n\t',
  '__proto__',
  'constructor',
  'toString',
  '1e309',
  '-0',
  'NaN',
  '9'.repeat(40),
  '*',
  '**',
  'projects/fuzz/notes/n-vuln',
  'projects/../notes/x',
];

/** Any UTF-16 code units: lone surrogates and NUL included. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
export const hostileString = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE) },
  { weight: 3, arbitrary: fc.string({ unit: codeUnit, maxLength: 24 }) },
  { weight: 2, arbitrary: fc.string({ maxLength: 24 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...HOSTILE), fc.string({ maxLength: 6 })).map(([a, b]) => `${b}${a}${b}`) },
  { weight: 1, arbitrary: fc.integer({ min: 300, max: 20_000 }).map((n) => 'x'.repeat(n)) },
);

/**
 * Percent-encodes UTF-16 text byte by byte; a lone surrogate becomes its 3-byte WTF-8 form
 * (`%ED%A0%80`), which is not UTF-8: encodeURIComponent would throw instead.
 */
export function pctEncode(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (/[A-Za-z0-9._~-]/.test(s[i]!)) {
      out += s[i];
      continue;
    }
    let bytes: number[];
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff) {
      bytes = [...Buffer.from(s.slice(i, i + 2), 'utf8')];
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) bytes = [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)];
    else bytes = [...Buffer.from(s[i]!, 'utf8')];
    out += bytes.map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
  }
  return out;
}

/** A path segment: an id that exists, a valid new one, or hostile text (sometimes raw, mis-encoded). */
function segment(known: readonly string[]) {
  return fc.oneof(
    { weight: 5, arbitrary: known.length ? fc.constantFrom(...known) : fc.constant('n-vuln') },
    { weight: 2, arbitrary: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._~-]{0,20}$/) },
    { weight: 3, arbitrary: hostileString.map(pctEncode) },
    { weight: 1, arbitrary: fc.constantFrom('%', '%zz', '%ff', '%C0%80', '%ED%A0%80', '..', '.', '%2F', 'a:b', ':batchCreate') },
  );
}

const SEVERITY = fc.constantFrom(...GRAFEAS_SEVERITIES);
const TIMESTAMP = fc.date({ min: new Date('1970-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString());

/** Scalars of any JSON type, hostile strings and numbers given as strings included. */
const scalar = fc.oneof(
  hostileString,
  fc.double(),
  fc.integer(),
  fc.constantFrom('7.5', '10', '-1', '1e3', ' 7.5', '0x10', '', 'abc', '1e400'),
  fc.boolean(),
  fc.constant(null),
);
const anyJson = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), hostileString, fc.constantFrom('__proto__', 'constructor', 'kind', 'cvss_score')), tie('v'), { maxKeys: 4 }),
  ),
})).v;

/** A value for one named field: usually well-typed, sometimes anything. */
function fieldValue(key: string, ids: FuzzIds): fc.Arbitrary<unknown> {
  const typed: Record<string, fc.Arbitrary<unknown>> = {
    kind: fc.oneof(fc.constantFrom(...KIND_NAMES, 'NOTE_KIND_UNSPECIFIED', 'NOPE'), fc.integer({ min: -1, max: 13 })),
    severity: SEVERITY,
    effectiveSeverity: SEVERITY,
    cvssScore: fc.oneof(fc.double({ min: 0, max: 10, noNaN: true }), fc.constantFrom('7.5', '9.8', 'high', '', ' 1', 'NaN', 'Infinity', '1e400')),
    createTime: TIMESTAMP,
    updateTime: TIMESTAMP,
    expirationTime: fc.oneof(TIMESTAMP, fc.constantFrom('2024-13-45T99:99:99Z', 'yesterday')),
    sourceUpdateTime: TIMESTAMP,
    noteName: fc.oneof(fc.constant(`projects/${ids.project}/notes/${ids.notes[0] ?? 'n-vuln'}`), fc.constantFrom(...ids.notes.map((n) => `projects/${ids.project}/notes/${n}`), 'projects/x/notes/missing', 'notes/x'), hostileString),
    resourceUri: fc.oneof(fc.constant('https://registry.example/app@sha256:' + 'a'.repeat(64)), hostileString),
    remediation: hostileString,
    shortDescription: hostileString,
    longDescription: hostileString,
    fixAvailable: fc.oneof(fc.boolean(), fc.constantFrom('true', 1)),
  };
  const base = typed[key] ?? anyJson;
  return fc.oneof({ weight: 4, arbitrary: base }, { weight: 1, arbitrary: anyJson });
}

/** An object with a random subset of `keys` (camelCase or snake_case), each with a fitting value. */
function objectOf(keys: readonly string[], ids: FuzzIds, nested: Record<string, fc.Arbitrary<unknown>> = {}) {
  return fc
    .subarray([...keys], { maxLength: Math.min(keys.length, 6) })
    .chain((picked) =>
      fc.tuple(
        ...picked.map((k) =>
          fc.tuple(
            fc.oneof({ weight: 4, arbitrary: fc.constant(k) }, { weight: 1, arbitrary: fc.constant(k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)) }),
            nested[k] ?? fieldValue(k, ids),
          ),
        ),
      ),
    )
    .map((pairs) => Object.fromEntries(pairs));
}

function keysOf(schema: unknown): string[] {
  return Object.keys((schema as { shape: Record<string, unknown> }).shape);
}

export function noteArb(ids: FuzzIds) {
  return objectOf(keysOf(noteSchema), ids, {
    vulnerability: objectOf(keysOf(vulnerabilityNoteSchema), ids),
    ...Object.fromEntries(NOTE_DETAIL_FIELDS.filter((f) => f !== 'vulnerability').map((f) => [f, anyJson])),
  });
}

export function occurrenceArb(ids: FuzzIds) {
  return objectOf(keysOf(occurrenceSchema), ids, {
    vulnerability: objectOf(keysOf(vulnerabilityOccurrenceSchema), ids, {
      packageIssue: fc.array(
        objectOf(['affectedCpeUri', 'affectedPackage', 'affectedVersion', 'fixedVersion', 'fixAvailable', 'packageType', 'effectiveSeverity', 'fileLocation'], ids),
        { maxLength: 3 },
      ),
    }),
    ...Object.fromEntries(OCCURRENCE_DETAIL_FIELDS.filter((f) => f !== 'vulnerability').map((f) => [f, anyJson])),
  });
}

const OCC_FIELDS = ['name', 'kind', 'resourceUri', 'resource_uri', 'noteName', 'noteProjectId', 'noteId', 'remediation', 'createTime', 'updateTime', 'vulnerability.effectiveSeverity', 'vulnerability.severity', 'vulnerability.cvssScore', 'vulnerability.fixAvailable', 'vulnerability.packageIssue.affectedPackage', 'package.name', 'envelope.payloadType', 'shortDescription', 'expirationTime', 'nope', 'a.b.c', 'has', '_x'];
const VALUES = fc.oneof(
  hostileString.map((s) => `"${s.replace(/["\\]/g, (m) => `\\${m}`)}"`),
  hostileString.map((s) => `'${s}'`),
  fc.constantFrom('*', 'true', 'false', '7.5', '-1', '1e400', 'VULNERABILITY', 'CRITICAL', '"2024-01-01T00:00:00Z"', '"2024-01-01"', 'AND', ')', '"'),
  fc.double().map(String),
);
const comparison = fc.tuple(fc.constantFrom(...OCC_FIELDS), fc.constantFrom('=', '!=', '<', '<=', '>', '>=', ':', '', '=='), VALUES).map(([f, o, v]) => `${f}${o}${v}`);
const filterExpr = fc.letrec<{ e: string }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small' },
    comparison,
    fc.tuple(tie('e'), fc.constantFrom(' AND ', ' OR ', ' ', ' and '), tie('e')).map(([a, o, b]) => `${a}${o}${b}`),
    tie('e').map((e) => `NOT ${e}`),
    tie('e').map((e) => `(${e})`),
  ),
})).e;
export const filterArb = fc.oneof(
  { weight: 6, arbitrary: filterExpr },
  { weight: 2, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.integer({ min: 60, max: 5000 }).map((n) => `${'('.repeat(n)}kind="BUILD"${')'.repeat(n)}`) },
  { weight: 1, arbitrary: fc.integer({ min: 60, max: 3000 }).map((n) => `${'NOT '.repeat(n)}kind="BUILD"`) },
);

function queryValue(param: string, ids: FuzzIds) {
  switch (param) {
    case 'filter':
      return filterArb;
    case 'pageSize':
      return fc.oneof(fc.integer({ min: -5, max: 5000 }).map(String), fc.constantFrom('1.5', 'abc', '', '1e3', '9'.repeat(30)), hostileString);
    case 'pageToken':
      return fc.oneof(fc.base64String({ maxLength: 60 }), hostileString, fc.constant(Buffer.from(JSON.stringify({ v: 1, s: '9'.repeat(19), d: 'x' })).toString('base64url')));
    case 'noteId':
      return fc.oneof(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._~-]{0,30}$/), fc.constantFrom(...ids.notes), hostileString);
    case 'updateMask':
      return fc.oneof(fc.constantFrom('shortDescription', 'vulnerability.severity', 'kind', 'name', 'remediation', 'vulnerability', 'a,,b', ''), hostileString);
    default:
      return hostileString;
  }
}

function queryString(params: readonly string[], ids: FuzzIds) {
  const all = [...new Set([...params, 'filter', 'page_size', 'unknownParam'])];
  return fc
    .subarray(all, { maxLength: Math.min(4, all.length) })
    .chain((ps) => fc.tuple(...ps.map((p) => fc.tuple(fc.constant(p), queryValue(p.replace('page_size', 'pageSize'), ids), fc.boolean()))))
    .map((pairs) => pairs.map(([k, v, raw]) => `${k}=${raw && /^[\x20-\x7e]*$/.test(v) ? v.replace(/[ #&]/g, encodeURIComponent) : pctEncode(v)}`).join('&'));
}

const enc = new TextEncoder();

function deepJson(n: number, open: string, close: string, leaf: string): string {
  return `${open.repeat(n)}${leaf}${close.repeat(n)}`;
}

/** A body for a route: a structured request, any JSON, deep nesting, or bytes that are not JSON/UTF-8. */
function bodyArb(request: string | undefined, ids: FuzzIds): fc.Arbitrary<Uint8Array | undefined> {
  const structured: fc.Arbitrary<unknown> =
    request === 'Note'
      ? noteArb(ids)
      : request === 'Occurrence'
        ? occurrenceArb(ids)
        : request === 'BatchCreateNotesRequest'
          ? fc.record({ notes: fc.dictionary(fc.oneof(fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/), hostileString), noteArb(ids), { maxKeys: 4 }) }, { requiredKeys: [] })
          : request === 'BatchCreateOccurrencesRequest'
            ? fc.record({ occurrences: fc.array(occurrenceArb(ids), { maxLength: 4 }) }, { requiredKeys: [] })
            : request === 'ReplaceScanRequest'
              ? fc.record(
                  {
                    resourceUri: fieldValue('resourceUri', ids),
                    notesProject: fc.oneof(fc.constant(ids.project), hostileString),
                    kinds: fc.oneof(fc.subarray([...KIND_NAMES, 'NOPE']), anyJson),
                    notes: fc.dictionary(fc.oneof(fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/), hostileString), noteArb(ids), { maxKeys: 3 }),
                    occurrences: fc.array(occurrenceArb(ids), { maxLength: 3 }),
                  },
                  { requiredKeys: [] },
                )
              : anyJson;
  const asText = (v: unknown) => enc.encode(JSON.stringify(v) ?? 'null');
  return fc.oneof(
    { weight: 8, arbitrary: structured.map(asText) },
    { weight: 2, arbitrary: anyJson.map(asText) },
    { weight: 1, arbitrary: fc.constant(undefined) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.integer({ min: 40, max: 200_000 }), fc.constantFrom(['[', ']'], ['{"a":', '}'], ['{"vulnerability":', '}'], ['[{"x":', '}]']))
        .map(([n, [o, c]]) => enc.encode(deepJson(n, o!, c!, '1'))),
    },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(structured.map((v) => JSON.stringify(v) ?? 'null'), fc.uint8Array({ minLength: 1, maxLength: 4 }))
        .map(([json, junk]) => {
          // Invalid UTF-8 inside a string of otherwise valid JSON.
          const b = Buffer.from(json.replace(/"([^"]*)"/, '"$1\u0001"'), 'utf8');
          const at = b.indexOf(1);
          return at < 0 ? new Uint8Array(b) : new Uint8Array(Buffer.concat([b.subarray(0, at), Buffer.from(junk.map((x) => x | 0x80)), b.subarray(at + 1)]));
        }),
    },
    { weight: 1, arbitrary: fc.constantFrom('{"__proto__":{"kind":"BUILD"},"vulnerability":{}}', '{"vulnerability":{"__proto__":[]},"kind":"VULNERABILITY"}', '{"a":1,"a":2}', '{"cvssScore":1e999}', '', '  ', 'null', '[]', '"x"', '{"notes":null}', '{"occurrences":{}}').map((s) => enc.encode(s)) },
  );
}

/** Fetch refuses a body on GET and HEAD. */
const canHaveBody = (method: string) => method !== 'GET' && method !== 'HEAD';

/** Any request to the server, weighted towards the routes of the Grafeas API. */
export function requestArb(ids: FuzzIds): fc.Arbitrary<FuzzRequest> {
  const auth = fc.constantFrom<FuzzRequest['auth']>('writer', 'writer', 'writer', 'writer', 'writer', 'writer', 'viewer', 'bad', 'none');
  const routed = fc.constantFrom(...ROUTES).chain((route) =>
    fc
      .record({
        method: fc.oneof({ weight: 9, arbitrary: fc.constant(route.method) }, { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE', 'PUT', 'OPTIONS', 'HEAD') }),
        project: fc.oneof({ weight: 6, arbitrary: fc.constant(ids.project) }, { weight: 1, arbitrary: segment([]) }),
        location: fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: segment(['global', 'us-east1']) }),
        id: segment(route.shape.startsWith('notes') ? ids.notes : ids.occurrences),
        query: queryString(route.params, ids),
        body: route.method === 'POST' || route.method === 'PATCH' ? bodyArb(route.request, ids) : fc.constant(undefined),
        auth,
      })
      .map((r): FuzzRequest => {
        const parent = `/v1/projects/${r.project}${r.location !== undefined ? `/locations/${r.location}` : ''}`;
        const rest = route.shape.replace(/\{(note|occurrence)\}/, r.id);
        return { method: r.method, path: `${parent}/${rest}${r.query ? `?${r.query}` : ''}`, auth: r.auth, ...(r.body && canHaveBody(r.method) ? { body: r.body } : {}) };
      }),
  );
  const other = fc
    .record({
      method: fc.constantFrom('GET', 'POST', 'DELETE'),
      path: fc.oneof(
        fc.constantFrom('/healthz', '/readyz', '/openapi.json', '/metrics', '/v1/', '/v1/projects', '/v1/projects/p/things', '/'),
        fc.array(segment(ids.notes), { maxLength: 6 }).map((s) => `/v1/${s.join('/')}`),
        hostileString.map((s) => `/${pctEncode(s)}`),
      ),
      body: fc.option(anyJson.map((v) => enc.encode(JSON.stringify(v) ?? 'null')), { nil: undefined }),
      auth,
    })
    .map((r): FuzzRequest => ({ method: r.method, path: r.path, auth: r.auth, ...(r.body && canHaveBody(r.method) ? { body: r.body } : {}) }));
  return fc.oneof({ weight: 12, arbitrary: routed }, { weight: 1, arbitrary: other });
}

/** The notes and occurrences the fuzzer's ids point at, created through the API. */
export const SEED_NOTES: Record<string, unknown> = {
  'n-vuln': { shortDescription: 'seed', vulnerability: { severity: 'HIGH', cvssScore: 7.5 } },
  'n-pkg': { package: { name: 'openssl' } },
  'n-build': { build: { builderVersion: '1' } },
};
export function seedOccurrence(project: string, note: string): unknown {
  return note === 'n-vuln'
    ? { resourceUri: 'https://registry.example/app@sha256:' + 'a'.repeat(64), noteName: `projects/${project}/notes/${note}`, vulnerability: { severity: 'HIGH', effectiveSeverity: 'HIGH', cvssScore: 7.5, packageIssue: [{ affectedCpeUri: 'cpe:/o:debian:debian_linux:12', affectedPackage: 'openssl' }] } }
    : note === 'n-pkg'
      ? { resourceUri: 'https://registry.example/app@sha256:' + 'a'.repeat(64), noteName: `projects/${project}/notes/${note}`, package: { name: 'openssl' } }
      : { resourceUri: 'https://registry.example/app@sha256:' + 'b'.repeat(64), noteName: `projects/${project}/notes/${note}`, build: {} };
}

/** Sends one fuzz request through `send`, given the tokens; returns the HTTP status. */
export type Send = (method: string, path: string, headers: Record<string, string>, body?: Uint8Array) => Promise<{ status: number; text: string }>;

export function headersFor(r: FuzzRequest, tokens: { writer: string; viewer: string }): Record<string, string> {
  const h: Record<string, string> = {};
  if (r.auth === 'writer') h.authorization = `Bearer ${tokens.writer}`;
  if (r.auth === 'viewer') h.authorization = `Bearer ${tokens.viewer}`;
  if (r.auth === 'bad') h.authorization = 'Bearer pcs_000000000000_nope';
  if (r.body) h['content-type'] = 'application/json';
  return h;
}

/** Creates the seed notes and occurrences through the API; the ids the arbitraries use. */
export async function seedFuzzTarget(send: Send, writer: string, project = 'fuzz'): Promise<FuzzIds> {
  const h = { authorization: `Bearer ${writer}`, 'content-type': 'application/json' };
  const ids: FuzzIds = { project, notes: Object.keys(SEED_NOTES), occurrences: [] };
  for (const [id, note] of Object.entries(SEED_NOTES)) {
    const r = await send('POST', `/v1/projects/${project}/notes?noteId=${id}`, h, enc.encode(JSON.stringify(note)));
    if (r.status !== 200 && r.status !== 409) throw new Error(`seeding note ${id}: ${r.status} ${r.text}`);
  }
  for (const id of ids.notes) {
    const r = await send('POST', `/v1/projects/${project}/occurrences`, h, enc.encode(JSON.stringify(seedOccurrence(project, id))));
    if (r.status !== 200) throw new Error(`seeding an occurrence of ${id}: ${r.status} ${r.text}`);
    ids.occurrences.push((JSON.parse(r.text) as { name: string }).name.split('/').pop()!);
  }
  return ids;
}

/** A request as one line for a report: method, path (cut) and the start of the body. */
export function describeRequest(r: FuzzRequest): string {
  const body = r.body ? Buffer.from(r.body).toString('utf8') : '';
  return `${r.method} ${r.path.slice(0, 300)} [${r.auth}]${body ? ` body(${r.body!.length} B): ${JSON.stringify(body.slice(0, 300))}` : ''}`;
}
