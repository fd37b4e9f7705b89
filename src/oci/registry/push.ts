/**
 * The push side of the Distribution API (distribution-spec v1.1) on the registry client's auth:
 * blob existence (HEAD), monolithic (POST + PUT) and chunked (POST + PATCH… + PUT) uploads,
 * cross-repository mounts, manifest PUT by tag or digest, tag listing and the referrers API with
 * its tag-schema fallback. Writes are repeated as whole sequences (an upload: POST, then PUT to the
 * location it opened) under the one retry policy of src/http; reads retry as single requests in
 * the client. Every digest the registry announces is checked against the bytes we sent.
 */
import type { Readable } from 'node:stream';
import { PortcullisError } from '../../core/index.js';
import { DEFAULT_RETRY_STATUSES, retryAfterMs, RetryableStatus, withRetry, type HttpResponse, type RetryPolicy } from '../../http/index.js';
import { digestOf, mismatch } from '../digest.js';
import { isDigest, parseManifestOrIndex, type Descriptor, type ImageIndex } from '../manifest.js';
import { MEDIA_TYPES } from '../media-types.js';
import type { RegistryClient } from './client.js';

/** Options of a write: overrides of the retry policy for its sequence. */
export interface WriteOptions {
  retry?: RetryPolicy;
}

const MAX_ERROR_BODY = 64 * 1024;
const MAX_INDEX = 8 * 1024 * 1024;

function parseJson(text: string, registry: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new PortcullisError({ code: 'REGISTRY_ERROR', message: `${registry} answered ${what} with something other than JSON`, hint: 'The registry is not distribution-spec compliant.', cause: err });
  }
}

/** Runs a write sequence under the client's retry policy (and the caller's overrides). */
function retried<T>(client: RegistryClient, op: () => Promise<T>, opts: WriteOptions = {}): Promise<T> {
  return withRetry(op, { retry: { ...client.retry, ...opts.retry } });
}

/** The error for an unexpected answer, its body's start quoted. */
async function statusFailure(res: HttpResponse, registry: string, what: string): Promise<PortcullisError> {
  const body = (await res.text(MAX_ERROR_BODY).catch(() => '')).slice(0, 300).replace(/\s+/g, ' ');
  const quoted = body ? `: ${body}` : '';
  if (DEFAULT_RETRY_STATUSES.includes(res.status)) {
    return new PortcullisError({
      code: res.status === 429 ? 'RATE_LIMITED' : 'REGISTRY_ERROR',
      message: `${registry} answered HTTP ${res.status} for ${what}${res.attempts > 1 ? ` after ${res.attempts} attempts` : ''}${quoted}`,
      hint: 'The registry is overloaded or failing; try again later.',
    });
  }
  if (res.status === 403) {
    return new PortcullisError({ code: 'PERMISSION_DENIED', message: `${registry} refused ${what} (HTTP 403)${quoted}`, hint: 'The credentials may lack push permission on this repository.' });
  }
  return new PortcullisError({ code: 'REGISTRY_ERROR', message: `${registry} answered HTTP ${res.status} for ${what}${quoted}`, hint: 'Check the repository name and the registry.' });
}

/** Fails a read (already retried by the client). */
async function failOn(res: HttpResponse, registry: string, what: string): Promise<never> {
  throw await statusFailure(res, registry, what);
}

/** Fails a step of a write sequence: a retried status has the whole sequence run again. */
async function failOrRetry(res: HttpResponse, registry: string, what: string): Promise<never> {
  const final = await statusFailure(res, registry, what);
  throw DEFAULT_RETRY_STATUSES.includes(res.status) ? new RetryableStatus(res.status, retryAfterMs(res.header('retry-after')), final) : final;
}

const pushScope = (repo: string) => `repository:${repo}:pull,push`;

function withDigest(location: string, digest: string): string {
  return `${location}${location.includes('?') ? '&' : '?'}digest=${encodeURIComponent(digest)}`;
}

function checkAnnounced(res: HttpResponse, expected: string, what: string): void {
  const announced = res.header('docker-content-digest');
  if (announced && announced !== expected) throw mismatch(what, expected, announced);
}

/** HEAD a blob: its size when the repository has it, undefined when not. */
export async function blobExists(client: RegistryClient, repo: string, digest: string): Promise<number | undefined> {
  const res = await client.request(`/v2/${repo}/blobs/${digest}`, { method: 'HEAD', scope: `repository:${repo}:pull` });
  await res.dump();
  if (res.status === 200) return Number(res.header('content-length') ?? '0');
  if (res.status === 404) return undefined;
  return failOn(res, client.registry, `HEAD blob ${digest}`);
}

async function startUpload(client: RegistryClient, repo: string, scope: string, query = ''): Promise<{ res: HttpResponse; location?: string }> {
  const res = await client.request(`/v2/${repo}/blobs/uploads/${query}`, { method: 'POST', scope, headers: { 'content-length': '0' } });
  if (res.status !== 202 && res.status !== 201) return failOrRetry(res, client.registry, `starting an upload to ${repo}`);
  await res.dump();
  const location = res.header('location');
  return { res, ...(location ? { location } : {}) };
}

function needLocation(loc: string | undefined, registry: string): string {
  if (!loc) throw new PortcullisError({ code: 'REGISTRY_ERROR', message: `${registry} started an upload without a Location`, hint: 'The registry is not distribution-spec compliant.' });
  return loc;
}

/** Pushes a small blob monolithically (POST, then PUT with the bytes); returns its digest. */
export async function pushBlob(client: RegistryClient, repo: string, data: Buffer, opts: WriteOptions = {}): Promise<string> {
  const digest = digestOf(data);
  await retried(
    client,
    async () => {
      const { location } = await startUpload(client, repo, pushScope(repo));
      const res = await client.request(withDigest(needLocation(location, client.registry), digest), {
        method: 'PUT',
        scope: pushScope(repo),
        body: data,
        headers: { 'content-type': 'application/octet-stream', 'content-length': String(data.length) },
      });
      if (res.status !== 201) return failOrRetry(res, client.registry, `PUT blob ${digest}`);
      await res.dump();
      checkAnnounced(res, digest, `uploaded blob in ${repo}`);
    },
    opts,
  );
  return digest;
}

export interface StreamBlob {
  digest: string;
  size: number;
  /** Opens the content afresh (each retry reads it again). */
  open: () => Promise<Readable>;
}

/**
 * Pushes a blob from a stream: monolithic PUT, or PATCH chunks of `chunkSize` bytes then a closing
 * PUT when `chunkSize` is set (for registries with request size limits).
 */
export async function pushBlobStream(client: RegistryClient, repo: string, blob: StreamBlob, opts: WriteOptions & { chunkSize?: number; uploadLocation?: string } = {}): Promise<void> {
  let given = opts.uploadLocation;
  await retried(
    client,
    async () => {
      const location = given ?? needLocation((await startUpload(client, repo, pushScope(repo))).location, client.registry);
      given = undefined;
      const stream = await blob.open();
      if (!opts.chunkSize) {
        const res = await client.request(withDigest(location, blob.digest), {
          method: 'PUT',
          scope: pushScope(repo),
          body: stream,
          headers: { 'content-type': 'application/octet-stream', 'content-length': String(blob.size) },
        });
        if (res.status !== 201) return failOrRetry(res, client.registry, `PUT blob ${blob.digest}`);
        await res.dump();
        checkAnnounced(res, blob.digest, `uploaded blob in ${repo}`);
        return;
      }
      let loc = location;
      let offset = 0;
      for await (const chunk of chunked(stream, opts.chunkSize)) {
        const res = await client.request(loc, {
          method: 'PATCH',
          scope: pushScope(repo),
          body: chunk,
          headers: { 'content-type': 'application/octet-stream', 'content-length': String(chunk.length), 'content-range': `${offset}-${offset + chunk.length - 1}` },
        });
        if (res.status !== 202) return failOrRetry(res, client.registry, `PATCH blob ${blob.digest} at ${offset}`);
        await res.dump();
        offset += chunk.length;
        loc = needLocation(res.header('location'), client.registry);
      }
      const res = await client.request(withDigest(loc, blob.digest), { method: 'PUT', scope: pushScope(repo), headers: { 'content-length': '0' } });
      if (res.status !== 201) return failOrRetry(res, client.registry, `closing upload of ${blob.digest}`);
      await res.dump();
      checkAnnounced(res, blob.digest, `uploaded blob in ${repo}`);
    },
    opts,
  );
}

async function* chunked(stream: Readable, size: number): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let have = 0;
  for await (const c of stream) {
    let buf = c as Buffer;
    while (have + buf.length >= size) {
      const take = size - have;
      parts.push(buf.subarray(0, take));
      yield Buffer.concat(parts);
      parts = [];
      have = 0;
      buf = buf.subarray(take);
    }
    if (buf.length > 0) {
      parts.push(buf);
      have += buf.length;
    }
  }
  if (have > 0) yield Buffer.concat(parts);
}

/**
 * Asks the registry to mount a blob from another repository of the same registry. Returns
 * `{ mounted: true }`, or the upload location the registry opened instead (push the bytes there).
 */
export async function mountBlob(client: RegistryClient, repo: string, digest: string, from: string): Promise<{ mounted: true } | { mounted: false; location: string | undefined }> {
  return retried(client, async () => {
    const q = `?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`;
    const { res, location } = await startUpload(client, repo, `${pushScope(repo)} repository:${from}:pull`, q);
    if (res.status === 201) {
      checkAnnounced(res, digest, `mounted blob in ${repo}`);
      return { mounted: true as const };
    }
    return { mounted: false as const, location };
  });
}

/** PUTs a manifest or index by tag or digest; returns its digest (checked against the registry's). */
export async function pushManifest(client: RegistryClient, repo: string, reference: string, body: Buffer, mediaType: string): Promise<string> {
  const digest = digestOf(body);
  if (reference.includes(':') && reference !== digest) throw mismatch(`manifest pushed as ${repo}@${reference}`, reference, digest);
  await retried(client, async () => {
    const res = await client.request(`/v2/${repo}/manifests/${reference}`, { method: 'PUT', scope: pushScope(repo), body, headers: { 'content-type': mediaType, 'content-length': String(body.length) } });
    if (res.status !== 201 && res.status !== 200) return failOrRetry(res, client.registry, `PUT manifest ${repo}:${reference}`);
    await res.dump();
    checkAnnounced(res, digest, `manifest ${repo}:${reference}`);
  });
  return digest;
}

/** Fetches a manifest, or undefined when the tag or digest does not exist. */
export async function tryGetManifest(client: RegistryClient, repo: string, reference: string): Promise<{ body: Buffer; mediaType: string; digest: string } | undefined> {
  try {
    return await client.getManifest(repo, reference);
  } catch (err) {
    if (err instanceof PortcullisError && err.code === 'MANIFEST_UNKNOWN') return undefined;
    throw err;
  }
}

/** All tags of a repository, following `Link` pagination. */
export async function listTags(client: RegistryClient, repo: string, pageSize = 1000): Promise<string[]> {
  const tags: string[] = [];
  let path: string | undefined = `/v2/${repo}/tags/list?n=${pageSize}`;
  for (let page = 0; path && page < 10_000; page++) {
    const res = await client.request(path, { scope: `repository:${repo}:pull` });
    if (res.status === 404) {
      await res.dump();
      return tags;
    }
    if (res.status !== 200) return failOn(res, client.registry, `tag list of ${repo}`);
    const doc = parseJson(await res.text(MAX_INDEX, `Tag list of ${repo}`), client.registry, `the tag list of ${repo}`) as { tags?: string[] | null };
    tags.push(...(doc.tags ?? []));
    const link = res.header('link');
    const m = link ? /<([^>]+)>;\s*rel="?next"?/.exec(link) : null;
    path = m ? m[1] : undefined;
  }
  return tags;
}

/** The tag-schema fallback tag for referrers of a digest (`sha256-<hex>`). */
export function referrersTag(digest: string): string {
  return digest.replace(':', '-');
}

/**
 * Manifests that refer to `digest` (their `subject`): the referrers API when the registry has it,
 * else the `sha256-<hex>` index of the tag-schema fallback. Filtered by `artifactType` when given.
 */
export async function getReferrers(client: RegistryClient, repo: string, digest: string, artifactType?: string): Promise<{ source: 'api' | 'tag'; manifests: Descriptor[] }> {
  if (!isDigest(digest)) throw new PortcullisError({ code: 'DIGEST_INVALID', message: `Invalid digest "${digest}"`, hint: 'Referrers are looked up by sha256 digest.' });
  const q = artifactType ? `?artifactType=${encodeURIComponent(artifactType)}` : '';
  const r = await client.request(`/v2/${repo}/referrers/${digest}${q}`, { accept: MEDIA_TYPES.ociIndex, scope: `repository:${repo}:pull` });
  let res: HttpResponse | undefined = r;
  if (r.status === 404 || r.status === 400 || r.status === 405) {
    await r.dump();
    res = undefined;
  } else if (r.status !== 200) return failOn(r, client.registry, `referrers of ${digest}`);
  let index: ImageIndex | undefined;
  let source: 'api' | 'tag' = 'api';
  if (res) {
    const body = await res.bytes(MAX_INDEX, `Referrers of ${digest}`);
    const parsed = parseManifestOrIndex(body, MEDIA_TYPES.ociIndex);
    if (parsed.kind === 'index') index = parsed.index;
  } else {
    source = 'tag';
    const m = await tryGetManifest(client, repo, referrersTag(digest));
    if (m) {
      const parsed = parseManifestOrIndex(m.body, m.mediaType || MEDIA_TYPES.ociIndex);
      if (parsed.kind === 'index') index = parsed.index;
    }
  }
  const manifests = (index?.manifests ?? []).filter((d) => !artifactType || (d as Descriptor & { artifactType?: string }).artifactType === artifactType);
  return { source, manifests };
}

/**
 * PUTs a manifest that has a `subject` (by digest). Returns whether the registry announced that it
 * processed the subject (`OCI-Subject` header, distribution-spec 1.1): when it did not, the client
 * maintains the referrers index tag itself (see `addToReferrersTagIndex`).
 */
export async function pushSubjectManifest(client: RegistryClient, repo: string, body: Buffer, mediaType: string): Promise<{ digest: string; subjectAccepted: boolean }> {
  const digest = digestOf(body);
  let subjectAccepted = false;
  await retried(client, async () => {
    const res = await client.request(`/v2/${repo}/manifests/${digest}`, { method: 'PUT', scope: pushScope(repo), body, headers: { 'content-type': mediaType, 'content-length': String(body.length) } });
    if (res.status !== 201 && res.status !== 200) return failOrRetry(res, client.registry, `PUT manifest ${repo}@${digest}`);
    await res.dump();
    checkAnnounced(res, digest, `manifest ${repo}@${digest}`);
    subjectAccepted = res.header('oci-subject') !== undefined;
  });
  return { digest, subjectAccepted };
}

/**
 * The referrers tag-schema fallback (distribution-spec 1.1, "Referrers Tag Schema"): adds a
 * descriptor to the OCI index tagged `sha256-<hex>` for the subject digest, creating it when
 * absent; a descriptor already listed is not added twice. Returns the index digest.
 */
export async function addToReferrersTagIndex(client: RegistryClient, repo: string, subjectDigest: string, descriptor: Descriptor & { artifactType?: string }): Promise<string> {
  const tag = referrersTag(subjectDigest);
  const existing = await tryGetManifest(client, repo, tag);
  let manifests: (Descriptor & { artifactType?: string })[] = [];
  if (existing) {
    const parsed = parseManifestOrIndex(existing.body, existing.mediaType || MEDIA_TYPES.ociIndex);
    if (parsed.kind !== 'index') throw new PortcullisError({ code: 'MANIFEST_INVALID', message: `${repo}:${tag} is not an OCI index`, hint: 'Something else wrote the referrers tag; remove it and push again.' });
    manifests = parsed.index.manifests as typeof manifests;
    if (manifests.some((m) => m.digest === descriptor.digest)) return existing.digest;
  }
  const index = { schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests: [...manifests, descriptor] };
  return pushManifest(client, repo, tag, Buffer.from(JSON.stringify(index), 'utf8'), MEDIA_TYPES.ociIndex);
}

/**
 * Takes descriptors out of the `sha256-<hex>` referrers index of a subject (the fallback tag
 * schema); returns how many were listed. Nothing is written when none was.
 */
export async function removeFromReferrersTagIndex(client: RegistryClient, repo: string, subjectDigest: string, digests: ReadonlySet<string>): Promise<number> {
  const tag = referrersTag(subjectDigest);
  const existing = await tryGetManifest(client, repo, tag);
  if (!existing) return 0;
  const parsed = parseManifestOrIndex(existing.body, existing.mediaType || MEDIA_TYPES.ociIndex);
  if (parsed.kind !== 'index') throw new PortcullisError({ code: 'MANIFEST_INVALID', message: `${repo}:${tag} is not an OCI index`, hint: 'Something else wrote the referrers tag; remove it and push again.' });
  const kept = parsed.index.manifests.filter((m) => !digests.has(m.digest));
  const removed = parsed.index.manifests.length - kept.length;
  if (removed === 0) return 0;
  const index = { schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests: kept };
  await pushManifest(client, repo, tag, Buffer.from(JSON.stringify(index), 'utf8'), MEDIA_TYPES.ociIndex);
  return removed;
}

/**
 * Deletes a manifest by digest. Returns false when the registry does not allow deletes (405, or
 * 400/403 answers of registries with deletion disabled), true when deleted or already gone.
 */
export async function deleteManifest(client: RegistryClient, repo: string, digest: string): Promise<boolean> {
  return retried(client, async () => {
    const res = await client.request(`/v2/${repo}/manifests/${digest}`, { method: 'DELETE', scope: pushScope(repo) });
    if (res.status === 202 || res.status === 200 || res.status === 204 || res.status === 404) {
      await res.dump();
      return true;
    }
    if (res.status === 405 || res.status === 400 || res.status === 403) {
      await res.dump();
      return false;
    }
    return failOrRetry(res, client.registry, `DELETE manifest ${repo}@${digest}`);
  });
}
