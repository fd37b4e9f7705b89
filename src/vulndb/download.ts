/**
 * Downloads of advisory sources given as URLs: streamed to a `.part` file beside a small state
 * file (URL, ETag, Last-Modified), resumed with an HTTP `Range` request after an interruption
 * when the server still serves the same entity (`If-Range`), and only handed to the importer once
 * complete (and, when asked, checked against a SHA-256). Given the validators of the copy already
 * imported, the request is conditional (`If-None-Match` / `If-Modified-Since`): an unchanged feed
 * costs one round trip and answers `notModified`. Nothing in the store is touched here.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { PortcullisError, redactUrl } from '../core/index.js';
import { createHttpClient, errorCodeOf, HttpNetworkError, type HttpClient, type RetryPolicy } from '../http/index.js';

export interface DownloadOptions {
  /** Directory for partial and finished downloads. */
  dir: string;
  /** Refuse any network access. */
  offline?: boolean;
  /** Expected SHA-256 (hex) of the whole file. */
  sha256?: string;
  onProgress?: (e: { url: string; bytes: number; total?: number; resumedFrom: number }) => void;
  /** Largest accepted download (default 4 GiB). */
  maxBytes?: number;
  /** Request timeout for headers and between body chunks (default 60 s). */
  timeoutMs?: number;
  /** Validators of the copy already imported: the request becomes conditional. */
  ifChanged?: Validators;
  /** Overrides of the retry policy of the request (the body is not retried: a rerun resumes it). */
  retry?: RetryPolicy;
}

/** HTTP validators of a downloaded entity. */
export interface Validators {
  etag?: string;
  lastModified?: string;
}

/** The server answered `304 Not Modified` to a conditional request: nothing was downloaded. */
export interface NotModified {
  notModified: true;
  url: string;
}

export interface DownloadResult {
  path: string;
  bytes: number;
  sha256: string;
  /** Bytes that were already on disk from an interrupted download. */
  resumedFrom: number;
  /** Validators the server sent with the entity, for the next conditional request. */
  validators: Validators;
}

interface PartState {
  url: string;
  etag?: string;
  lastModified?: string;
}

export function isUrl(s: string): boolean {
  return /^https?:\/\//i.test(s);
}

async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  await pipeline(createReadStream(path), h);
  return h.digest('hex');
}

/**
 * Downloads `url` into `opts.dir`, resuming a previous partial download of the same URL; with
 * `opts.ifChanged`, answers `{ notModified: true }` when the server says the entity is unchanged.
 */
export async function downloadSource(url: string, opts: DownloadOptions & { ifChanged: Validators }): Promise<DownloadResult | NotModified>;
export async function downloadSource(url: string, opts: DownloadOptions): Promise<DownloadResult>;
export async function downloadSource(url: string, opts: DownloadOptions): Promise<DownloadResult | NotModified> {
  if (opts.offline) throw new PortcullisError({ code: 'OFFLINE', message: `Refusing to download ${redactUrl(url)}: --offline forbids network access`, hint: 'Download the file on a connected machine (or use `portcullis db export` there) and pass the local file.' });
  mkdirSync(opts.dir, { recursive: true });
  const key = createHash('sha256').update(url).digest('hex').slice(0, 24);
  const part = join(opts.dir, `${key}.part`);
  const statePath = join(opts.dir, `${key}.state.json`);
  const done = join(opts.dir, `${key}.download`);
  const maxBytes = opts.maxBytes ?? 4 * 1024 ** 3;
  let state: PartState | undefined;
  try {
    state = JSON.parse(readFileSync(statePath, 'utf8')) as PartState;
    if (state.url !== url) state = undefined;
  } catch {
    state = undefined;
  }
  let have = state && existsSync(part) ? statSync(part).size : 0;
  if (!state || have === 0) {
    rmSync(part, { force: true });
    have = 0;
  }
  const validator = state?.etag ?? state?.lastModified;
  const headers: Record<string, string> = { 'accept-encoding': 'identity' };
  if (have > 0 && validator) {
    headers.range = `bytes=${have}-`;
    headers['if-range'] = validator;
  } else if (opts.ifChanged) {
    // Only when no partial download is resumed: a Range request already names its entity.
    if (opts.ifChanged.etag) headers['if-none-match'] = opts.ifChanged.etag;
    if (opts.ifChanged.lastModified) headers['if-modified-since'] = opts.ifChanged.lastModified;
  }
  const timeout = opts.timeoutMs ?? 60_000;
  // Few attempts: `db update` fetches many feeds one after the other from one (perhaps dead) mirror.
  const http = createHttpClient({ timeouts: { headersMs: timeout, bodyMs: timeout }, maxRedirections: 5, peer: redactUrl(url), retry: { maxAttempts: 3, ...opts.retry } });
  try {
    return await fetchInto(url, http, headers, { part, statePath, done, have, maxBytes, opts });
  } finally {
    await http.close().catch(() => undefined);
  }
}

interface FetchTarget {
  part: string;
  statePath: string;
  done: string;
  have: number;
  maxBytes: number;
  opts: DownloadOptions;
}

async function fetchInto(url: string, http: HttpClient, headers: Record<string, string>, t: FetchTarget): Promise<DownloadResult | NotModified> {
  const { part, statePath, done, maxBytes, opts } = t;
  let have = t.have;
  let res;
  try {
    res = await http.request(url, { headers });
  } catch (err) {
    if (!(err instanceof HttpNetworkError)) throw err;
    throw new PortcullisError({ code: err.code, message: `Cannot download ${redactUrl(url)}: ${err.reason}`, hint: 'Check the URL and the network; an interrupted download resumes when you run the same command again.', cause: err });
  }
  const status = res.status;
  if (status === 304 && (headers['if-none-match'] || headers['if-modified-since'])) {
    await res.dump();
    return { notModified: true, url };
  }
  if (status !== 200 && status !== 206) {
    await res.dump();
    throw new PortcullisError({ code: 'NETWORK_ERROR', message: `Download of ${redactUrl(url)} failed: HTTP ${status}`, hint: status === 404 ? 'Check the URL.' : 'Try again later; an interrupted download resumes where it stopped.' });
  }
  const resumed = status === 206 && have > 0;
  if (!resumed) have = 0;
  const len = Number(res.header('content-length') ?? NaN);
  const total = Number.isFinite(len) ? len + have : undefined;
  if (total !== undefined && total > maxBytes) {
    await res.dump();
    throw new PortcullisError({ code: 'FILE_TOO_LARGE', message: `${redactUrl(url)} is ${total} bytes, over the ${maxBytes}-byte limit`, hint: 'Use a smaller source, or split it.' });
  }
  const newState: PartState = { url };
  const etag = res.header('etag');
  const lm = res.header('last-modified');
  if (etag && !etag.startsWith('W/')) newState.etag = etag;
  if (lm) newState.lastModified = lm;
  writeFileSync(statePath, JSON.stringify(newState));
  let bytes = have;
  const resumedFrom = have;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      bytes += chunk.length;
      if (bytes > maxBytes) return cb(new PortcullisError({ code: 'FILE_TOO_LARGE', message: `${redactUrl(url)} exceeds ${maxBytes} bytes`, hint: 'Use a smaller source.' }));
      opts.onProgress?.({ url, bytes, ...(total !== undefined ? { total } : {}), resumedFrom });
      cb(null, chunk);
    },
  });
  try {
    await pipeline(res.body, counter, createWriteStream(part, { flags: resumed ? 'a' : 'w' }));
  } catch (err) {
    if (err instanceof PortcullisError) throw err;
    throw new PortcullisError({ code: errorCodeOf(err) === 'UND_ERR_BODY_TIMEOUT' ? 'NETWORK_TIMEOUT' : 'NETWORK_ERROR', message: `Download of ${redactUrl(url)} was interrupted after ${bytes} bytes: ${(err as Error).message}`, hint: 'Run the same command again: the download resumes where it stopped.', cause: err });
  }
  if (total !== undefined && bytes !== total) {
    throw new PortcullisError({ code: 'NETWORK_ERROR', message: `Download of ${redactUrl(url)} ended after ${bytes} of ${total} bytes`, hint: 'Run the same command again: the download resumes where it stopped.' });
  }
  const sha = await sha256File(part);
  if (opts.sha256 && sha !== opts.sha256.toLowerCase().replace(/^sha256:/, '')) {
    rmSync(part, { force: true });
    rmSync(statePath, { force: true });
    throw new PortcullisError({ code: 'DIGEST_MISMATCH', message: `Download of ${redactUrl(url)} has SHA-256 ${sha}, expected ${opts.sha256}`, hint: 'The file changed or was tampered with; nothing was imported. Check the checksum you passed.' });
  }
  renameSync(part, done);
  rmSync(statePath, { force: true });
  // A weak ETag cannot resume a Range request, but it does answer If-None-Match.
  const validators: Validators = { ...(etag ? { etag } : {}), ...(lm ? { lastModified: lm } : {}) };
  return { path: done, bytes, sha256: sha, resumedFrom, validators };
}
