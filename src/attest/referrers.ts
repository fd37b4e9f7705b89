/**
 * Sigstore bundles stored as OCI 1.1 referrers (cosign v3's layout, `--registry-referrers-mode
 * oci-1-1`): an OCI image manifest with
 *
 *     "artifactType": "application/vnd.dev.sigstore.bundle.v0.3+json",
 *     "config": the empty descriptor (application/vnd.oci.empty.v1+json, "{}"),
 *     "layers": [the bundle JSON, mediaType application/vnd.dev.sigstore.bundle.v0.3+json],
 *     "subject": the signed image's descriptor,
 *     "annotations": {"dev.sigstore.bundle.content": "dsse-envelope",
 *                     "dev.sigstore.bundle.predicateType": <URI>, "org.opencontainers.image.created": …}
 *
 * pushed by digest. Registries with the referrers API index it themselves (they answer with
 * `OCI-Subject`); for the others (e.g. distribution 2.8) we maintain the `sha256-<hex>` referrers
 * index tag, as distribution-spec 1.1 prescribes for clients.
 */
import { PortcullisError } from '../core/index.js';
import {
  digestOf,
  type Descriptor,
  MEDIA_TYPES,
  type RegistryClient,
  addToReferrersTagIndex,
  getReferrers,
  pushBlob,
  pushSubjectManifest,
  referrersTag,
} from '../oci/index.js';
import { BUNDLE_V03_MEDIA_TYPE, MAX_BUNDLE_BYTES } from './sigstore/bundle.js';

export const EMPTY_MEDIA_TYPE = 'application/vnd.oci.empty.v1+json';
const EMPTY_BLOB = Buffer.from('{}', 'utf8');
export const BUNDLE_CONTENT_ANNOTATION = 'dev.sigstore.bundle.content';
export const BUNDLE_PREDICATE_TYPE_ANNOTATION = 'dev.sigstore.bundle.predicateType';

export interface ReferrerPushResult {
  manifestDigest: string;
  bundleDigest: string;
  /** How the referrer is listed: by the registry's referrers API, or in our index tag. */
  index: 'api' | 'tag';
  /** The referrers index tag, when we maintain it. */
  tag?: string;
}

/** Pushes a bundle as a referrer of `subject`. */
export async function pushBundleReferrer(client: RegistryClient, opts: { repo: string; subject: Descriptor; bundle: Buffer; predicateType: string; content: 'dsse-envelope' | 'message-signature'; now?: () => Date }): Promise<ReferrerPushResult> {
  const { repo } = opts;
  const bundleDigest = await pushBlob(client, repo, opts.bundle);
  await pushBlob(client, repo, EMPTY_BLOB);
  const annotations = { [BUNDLE_CONTENT_ANNOTATION]: opts.content, [BUNDLE_PREDICATE_TYPE_ANNOTATION]: opts.predicateType, 'org.opencontainers.image.created': (opts.now ?? (() => new Date()))().toISOString() };
  const manifest = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociManifest,
    artifactType: BUNDLE_V03_MEDIA_TYPE,
    config: { mediaType: EMPTY_MEDIA_TYPE, digest: digestOf(EMPTY_BLOB), size: EMPTY_BLOB.length },
    layers: [{ mediaType: BUNDLE_V03_MEDIA_TYPE, digest: bundleDigest, size: opts.bundle.length }],
    subject: { mediaType: opts.subject.mediaType, digest: opts.subject.digest, size: opts.subject.size },
    annotations,
  };
  const body = Buffer.from(JSON.stringify(manifest), 'utf8');
  const { digest, subjectAccepted } = await pushSubjectManifest(client, repo, body, MEDIA_TYPES.ociManifest);
  if (subjectAccepted) return { manifestDigest: digest, bundleDigest, index: 'api' };
  await addToReferrersTagIndex(client, repo, opts.subject.digest, { mediaType: MEDIA_TYPES.ociManifest, digest, size: body.length, artifactType: BUNDLE_V03_MEDIA_TYPE, annotations });
  return { manifestDigest: digest, bundleDigest, index: 'tag', tag: referrersTag(opts.subject.digest) };
}

export interface ReferrerBundle {
  /** The referrer manifest's digest. */
  manifestDigest: string;
  bundleDigest: string;
  bundle: Buffer;
  annotations: Record<string, string>;
}

/** Reads the Sigstore bundles that refer to `digest` (referrers API or index tag). */
export async function readBundleReferrers(client: RegistryClient, repo: string, digest: string): Promise<ReferrerBundle[]> {
  const { manifests } = await getReferrers(client, repo, digest, BUNDLE_V03_MEDIA_TYPE);
  const out: ReferrerBundle[] = [];
  for (const d of manifests) {
    const m = await client.getManifest(repo, d.digest);
    let doc: { subject?: { digest?: string }; layers?: Descriptor[]; annotations?: Record<string, string> };
    try {
      doc = JSON.parse(m.body.toString('utf8')) as typeof doc;
    } catch (err) {
      throw new PortcullisError({ code: 'MANIFEST_INVALID', message: `Referrer ${repo}@${d.digest} is not JSON`, hint: 'Something else wrote it.', cause: err });
    }
    // A referrer index may list manifests about another subject: only trust the manifest's own field.
    if (doc.subject?.digest !== digest) continue;
    const layer = doc.layers?.find((l) => l.mediaType === BUNDLE_V03_MEDIA_TYPE || l.mediaType?.startsWith('application/vnd.dev.sigstore.bundle'));
    if (!layer) continue;
    if (layer.size > MAX_BUNDLE_BYTES) throw new PortcullisError({ code: 'FILE_TOO_LARGE', message: `Bundle ${layer.digest} of ${repo} declares ${layer.size} bytes`, hint: `Bundles are read up to ${MAX_BUNDLE_BYTES} bytes.` });
    out.push({ manifestDigest: m.digest, bundleDigest: layer.digest, bundle: await client.getBlob(repo, layer.digest, MAX_BUNDLE_BYTES), annotations: doc.annotations ?? {} });
  }
  return out;
}
