/**
 * Evidence from the images' registries: tag → digest, and the signatures and attestations stored
 * for a digest in both layouts `portcullis sign` writes (the cosign `.sig`/`.att` tags and OCI 1.1
 * referrer bundles). Fetching only — verification is the engine's, offline. A registry error
 * (401, 429, 5xx, unreachable) is an error answer with its code, never an empty "unsigned".
 *
 * It lives with the admission adapters because `policy/` takes no network dependency: the CLI's
 * `policy test` and the webhook both wire it in.
 */
import { readCosignImage, resolveDigest, readBundleReferrers } from '../../attest/index.js';
import { isPortcullisError } from '../../core/index.js';
import type { RegistryClient } from '../../oci/index.js';
import type { Evidence, EvidenceProvider, ImageAtDigest, ImageName, SignedArtifacts } from '../../policy/index.js';

export interface RegistryEvidenceOptions {
  /** The client for a registry host (credentials, TLS): called once per registry. */
  clientFor(registry: string): RegistryClient;
}

function failure(err: unknown, what: string): { ok: false; code: string; message: string } {
  if (isPortcullisError(err)) return { ok: false, code: err.code, message: `${what}: ${err.message}` };
  return { ok: false, code: 'REGISTRY_ERROR', message: `${what}: ${(err as Error)?.message ?? String(err)}` };
}

export interface RegistryEvidenceProvider extends Pick<EvidenceProvider, 'resolveDigest' | 'artifacts'> {
  close(): Promise<void>;
}

export function registryEvidence(opts: RegistryEvidenceOptions): RegistryEvidenceProvider {
  const clients = new Map<string, RegistryClient>();
  const client = (registry: string) => {
    let c = clients.get(registry);
    if (!c) clients.set(registry, (c = opts.clientFor(registry)));
    return c;
  };
  return {
    async resolveDigest(image: ImageName): Promise<Evidence<string>> {
      if (image.digest) return { ok: true, value: image.digest };
      try {
        return { ok: true, value: await resolveDigest(client(image.registry), { registry: image.registry, repository: image.repository, tag: image.tag ?? 'latest' }) };
      } catch (err) {
        return failure(err, `resolving ${image.registry}/${image.repository}:${image.tag ?? 'latest'}`);
      }
    },
    async artifacts(image: ImageAtDigest): Promise<Evidence<SignedArtifacts>> {
      const c = client(image.registry);
      try {
        const [sig, att, referrers] = await Promise.all([readCosignImage(c, image.repository, image.digest, 'sig'), readCosignImage(c, image.repository, image.digest, 'att'), readBundleReferrers(c, image.repository, image.digest)]);
        return { ok: true, value: { signatureLayers: sig?.layers ?? [], attestationLayers: att?.layers ?? [], referrers } };
      } catch (err) {
        return failure(err, `reading the signatures of ${image.registry}/${image.repository}@${image.digest}`);
      }
    },
    async close() {
      await Promise.all([...clients.values()].map((c) => c.close()));
      clients.clear();
    },
  };
}
