/**
 * Evidence reaches the engine through one interface, so the engine itself does no IO and runs
 * offline. Implementations: `offlineEvidence` here (nothing but what the reference itself says),
 * `staticEvidence` (evidence given as data: tests, recorded runs), the registry and metadata
 * server providers (`src/admission/evidence/`), and `cachedEvidence` around any of them.
 *
 * A lookup never throws for a missing or unreachable source: it answers `{ ok: false }` with a
 * stable code, and the engine turns that into an `error` result — never into a pass.
 */
import type { CosignLayer, ReferrerBundle } from '../attest/index.js';
import type { Severity } from '../core/index.js';

/** A normalised image reference. */
export interface ImageName {
  registry: string;
  /** `library/nginx`, `team/app`. */
  repository: string;
  tag?: string;
  digest?: string;
}

export type ImageAtDigest = ImageName & { digest: string };

export type Evidence<T> = { ok: true; value: T } | { ok: false; code: string; message: string };

/** The signatures and attestations stored for one digest, in both layouts `portcullis sign` writes. */
export interface SignedArtifacts {
  /** Layers of the `sha256-….sig` image (cosign tag layout). */
  signatureLayers: readonly CosignLayer[];
  /** Layers of the `sha256-….att` image. */
  attestationLayers: readonly CosignLayer[];
  /** Sigstore bundles stored as OCI 1.1 referrers (signatures and attestations). */
  referrers: readonly ReferrerBundle[];
}

/** One vulnerability finding of a scan of the digest. */
export interface VulnerabilityFinding {
  /** The advisory id (`CVE-2024-0001`). */
  id: string;
  severity: Severity;
  fixable: boolean;
  package?: string;
  /** Where it came from: an occurrence name, or an attestation digest. */
  evidenceId: string;
}

export interface VulnerabilityReport {
  /** When the scan ran (its DISCOVERY occurrence, or the oldest finding's create time). */
  scannedAt: Date;
  /** `metadata` (occurrences) or `attestation`. */
  source: string;
  /** The scan's own evidence id (the DISCOVERY occurrence name). */
  scanId?: string;
  findings: readonly VulnerabilityFinding[];
}

export interface EvidenceProvider {
  /** The manifest digest a tag points at now. */
  resolveDigest(image: ImageName): Promise<Evidence<string>>;
  /** Signatures and attestations of a digest (not yet verified: the engine verifies them). */
  artifacts(image: ImageAtDigest): Promise<Evidence<SignedArtifacts>>;
  /** The latest vulnerability scan of a digest. */
  vulnerabilities(image: ImageAtDigest): Promise<Evidence<VulnerabilityReport>>;
}

const offline = (what: string) => Promise.resolve({ ok: false as const, code: 'OFFLINE', message: `no ${what}: evaluated offline (no registry or metadata server given)` });

/** No evidence at all: digests only when the reference pins one. */
export const offlineEvidence: EvidenceProvider = {
  resolveDigest: (image) => (image.digest ? Promise.resolve({ ok: true, value: image.digest }) : offline(`digest for the tag ${image.tag ?? 'latest'}`)),
  artifacts: () => offline('signatures or attestations'),
  vulnerabilities: () => offline('vulnerability scan'),
};

export interface StaticEvidenceData {
  /** `registry/repository:tag` → digest. */
  digests?: Record<string, string>;
  /** digest → artifacts. */
  artifacts?: Record<string, SignedArtifacts>;
  /** digest → report. */
  vulnerabilities?: Record<string, VulnerabilityReport>;
}

/** Evidence given as data; what is absent falls back to `fallback` (default: offline). */
export function staticEvidence(data: StaticEvidenceData, fallback: EvidenceProvider = offlineEvidence): EvidenceProvider {
  return {
    resolveDigest: (image) => {
      const d = image.digest ?? data.digests?.[`${image.registry}/${image.repository}:${image.tag ?? 'latest'}`];
      return d ? Promise.resolve({ ok: true, value: d }) : fallback.resolveDigest(image);
    },
    artifacts: (image) => {
      const a = data.artifacts?.[image.digest];
      return a ? Promise.resolve({ ok: true, value: a }) : fallback.artifacts(image);
    },
    vulnerabilities: (image) => {
      const v = data.vulnerabilities?.[image.digest];
      return v ? Promise.resolve({ ok: true, value: v }) : fallback.vulnerabilities(image);
    },
  };
}
