/**
 * Parsed documents → the policies the engine runs: globs compiled, CEL type-checked, Pod
 * Security versions parsed, authorities resolved to public keys (PEM files, relative to the
 * policy file; PKCS#11 URIs) or keyless identities with their trusted root. Reading keys and
 * roots is the only IO; everything after this is pure.
 */
import type { KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import {
  resolvePredicateType,
  loadPublicKey,
  Pkcs11Signer,
  loadTrustedRootFile,
  publicGoodTrustedRoot,
  type IdentityPolicy,
} from '../attest/index.js';
import { type PssLevel, type PssVersion, parsePssVersion } from '../checks/index.js';
import type { PolicyMode } from '../core/index.js';
import { compileCondition, type CelProgram } from './cel.js';
import type { Diagnostic } from './diagnostics.js';
import { compileGlob, type ImageGlob } from './glob.js';
import type { ParsedPolicy } from './parse.js';
import type { AuthoritySpec, ExemptionSpec, NoMatchAction, PolicyDocument, VulnerabilitySpec } from './schema.js';
import { parseDuration, untilInstant } from './time.js';

export interface Authority {
  name: string;
  /** How it was given (`key ci.pub`, `keyless issuer … subject …`). */
  describe: string;
  /** The `--key` argument or identity flags that `portcullis sign` / `attest` would use. */
  signArgs: string;
  keys?: readonly KeyObject[];
  identity?: IdentityPolicy;
  trustedRoot?: TrustedRoot;
}

export interface Exemption {
  namespaces?: readonly string[];
  serviceAccounts?: readonly string[];
  images?: readonly ImageGlob[];
  /** Epoch ms after which it no longer applies. */
  until?: number;
  reason?: string;
  index: number;
}

export interface AttestationRule {
  name: string;
  predicateType: string;
  condition?: { source: string; program: CelProgram };
  authorities: readonly Authority[];
}

export interface VulnerabilityRule extends Omit<VulnerabilitySpec, 'allow' | 'maxEvidenceAge'> {
  allow: readonly { id: string; reason: string; until?: number }[];
  maxEvidenceAgeMs?: number;
  maxEvidenceAge?: string;
}

interface PolicyBase {
  /** `ClusterImagePolicy/name`, `ImagePolicy/namespace/name`. */
  id: string;
  kind: PolicyDocument['kind'];
  name: string;
  mode: PolicyMode;
  /** Namespaced kinds: their namespace. */
  namespace?: string;
  /** Cluster kinds: namespace globs (default every namespace). */
  namespaces?: readonly string[];
  exemptions: readonly Exemption[];
  breakglass: boolean;
  source: { file: string; line: number };
}

export interface ImagePolicy extends PolicyBase {
  type: 'image';
  images: readonly ImageGlob[];
  trustedRegistries?: readonly string[];
  digests: 'deny' | 'mutate' | 'allow';
  signatures?: { threshold: number; authorities: readonly Authority[] };
  attestations?: readonly AttestationRule[];
  vulnerabilities?: VulnerabilityRule;
}

export interface WorkloadPolicy extends PolicyBase {
  type: 'workload';
  podSecurity?: { level: PssLevel; version: PssVersion | 'latest'; versionText: string };
}

export type Policy = ImagePolicy | WorkloadPolicy;

export interface PolicySet {
  policies: readonly Policy[];
  noMatch: { action: NoMatchAction; source: string };
}

/** What an unset `noMatch` means: admitted, with a warning. */
export const DEFAULT_NO_MATCH: NoMatchAction = 'warn';

export interface CompileOptions {
  /** Reads a key file (default: fs). */
  readFile?: (path: string) => string;
  /** Opens a PKCS#11 key and returns its public key (default: the token, via pkcs11js). */
  pkcs11PublicKey?: (uri: string) => KeyObject;
  /** The trusted root of keyless authorities without `trustedRoot` (default: Sigstore public good). */
  defaultTrustedRoot?: () => TrustedRoot;
}

function pkcs11Key(uri: string): KeyObject {
  const s = Pkcs11Signer.open(uri);
  try {
    return s.publicKey;
  } finally {
    void s.close();
  }
}

function compileAuthority(a: AuthoritySpec, file: string, opts: CompileOptions): Authority {
  const rel = (p: string) => (isAbsolute(p) ? p : resolve(dirname(file), p));
  if (a.key?.file !== undefined) {
    const path = rel(a.key.file);
    return { name: a.name, describe: `key ${a.key.file}`, signArgs: `--key ${a.key.file.replace(/\.pub$/, '.key')}`, keys: [loadPublicKey((opts.readFile ?? ((p) => readFileSync(p, 'utf8')))(path))] };
  }
  if (a.key?.pkcs11 !== undefined) {
    return { name: a.name, describe: `PKCS#11 key ${a.key.pkcs11.replace(/[?&]pin-value=[^&]*/, '')}`, signArgs: `--key '${a.key.pkcs11.replace(/([?&])pin-value=[^&]*/, '$1pin-value=…')}'`, keys: [(opts.pkcs11PublicKey ?? pkcs11Key)(a.key.pkcs11)] };
  }
  const k = a.keyless!;
  const identity: IdentityPolicy = {
    ...(k.subject !== undefined ? { identity: k.subject } : {}),
    ...(k.subjectRegex !== undefined ? { identityRegexp: k.subjectRegex } : {}),
    ...(k.issuer !== undefined ? { issuer: k.issuer } : {}),
    ...(k.issuerRegex !== undefined ? { issuerRegexp: k.issuerRegex } : {}),
  };
  const trustedRoot = k.trustedRoot !== undefined ? loadTrustedRootFile(rel(k.trustedRoot)).root : (opts.defaultTrustedRoot ?? (() => publicGoodTrustedRoot().root))();
  const who = `subject ${k.subject ?? `~/${k.subjectRegex}/`} issuer ${k.issuer ?? `~/${k.issuerRegex}/`}`;
  return { name: a.name, describe: `keyless ${who}`, signArgs: `(keyless, as ${k.subject ?? k.subjectRegex} from ${k.issuer ?? k.issuerRegex})`, identity, trustedRoot };
}

function compileExemptions(list: readonly ExemptionSpec[] | undefined): Exemption[] {
  return (list ?? []).map((e, index) => ({
    index,
    ...(e.namespaces ? { namespaces: e.namespaces } : {}),
    ...(e.serviceAccounts ? { serviceAccounts: e.serviceAccounts } : {}),
    ...(e.images ? { images: e.images.map(compileGlob) } : {}),
    ...(e.until !== undefined ? { until: untilInstant(e.until) } : {}),
    ...(e.reason !== undefined ? { reason: e.reason } : {}),
  }));
}

function compileOne(p: ParsedPolicy, opts: CompileOptions): Policy {
  const { doc } = p;
  const namespaced = doc.kind === 'ImagePolicy' || doc.kind === 'WorkloadPolicy';
  const base: PolicyBase = {
    id: `${doc.kind}/${namespaced ? `${doc.metadata.namespace}/` : ''}${doc.metadata.name}`,
    kind: doc.kind,
    name: doc.metadata.name,
    mode: doc.spec.mode,
    ...(namespaced ? { namespace: doc.metadata.namespace! } : {}),
    ...('namespaces' in doc.spec && doc.spec.namespaces ? { namespaces: doc.spec.namespaces } : {}),
    exemptions: compileExemptions(doc.spec.exemptions),
    breakglass: doc.spec.breakglass,
    source: { file: p.file, line: p.locate([]).line },
  };
  if (doc.kind === 'ClusterWorkloadPolicy' || doc.kind === 'WorkloadPolicy') {
    const ps = doc.spec.podSecurity;
    return { ...base, type: 'workload', ...(ps ? { podSecurity: { level: ps.level, version: parsePssVersion(ps.version), versionText: ps.version } } : {}) };
  }
  const spec = doc.spec;
  const authorities = new Map<string, Authority>();
  const sigs = spec.signatures?.authorities.map((a, i) => {
    try {
      const c = compileAuthority(a, p.file, opts);
      authorities.set(a.name, c);
      return c;
    } catch (err) {
      throw Object.assign(err as Error, { policyPath: ['spec', 'signatures', 'authorities', i, a.key ? 'key' : 'keyless'] });
    }
  });
  const attestations = spec.attestations?.map((a, i): AttestationRule => {
    const kind = resolvePredicateType(a.predicateType);
    const cond = a.condition !== undefined ? compileCondition(a.condition) : undefined;
    if (cond && 'error' in cond) throw Object.assign(new Error(cond.error), { policyPath: ['spec', 'attestations', i, 'condition'] });
    const auths = a.authorities.map((r, j) => {
      if (typeof r !== 'string') return compileAuthority(r, p.file, opts);
      const found = authorities.get(r);
      if (!found) throw Object.assign(new Error(`no authority named "${r}"`), { policyPath: ['spec', 'attestations', i, 'authorities', j] });
      return found;
    });
    return { name: a.name ?? kind.name, predicateType: kind.uri, ...(cond && 'program' in cond ? { condition: { source: a.condition!, program: cond.program } } : {}), authorities: auths };
  });
  const v = spec.vulnerabilities;
  return {
    ...base,
    type: 'image',
    images: spec.images.map(compileGlob),
    ...(spec.trustedRegistries ? { trustedRegistries: spec.trustedRegistries } : {}),
    digests: spec.digests,
    ...(spec.signatures && sigs ? { signatures: { threshold: spec.signatures.threshold, authorities: sigs } } : {}),
    ...(attestations ? { attestations } : {}),
    ...(v
      ? {
          vulnerabilities: {
            ...v,
            allow: (v.allow ?? []).map((a) => ({ id: a.id, reason: a.reason, ...(a.until !== undefined ? { until: untilInstant(a.until) } : {}) })),
            ...(v.maxEvidenceAge ? { maxEvidenceAgeMs: parseDuration(v.maxEvidenceAge), maxEvidenceAge: v.maxEvidenceAge } : {}),
          },
        }
      : {}),
  };
}

/**
 * Compiles every parsed policy; a policy whose keys, roots or conditions cannot be loaded is a
 * diagnostic (and left out).
 */
export function compilePolicies(parsed: readonly ParsedPolicy[], opts: CompileOptions = {}): { set: PolicySet; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const policies: Policy[] = [];
  let noMatch: PolicySet['noMatch'] | undefined;
  for (const p of parsed) {
    try {
      policies.push(compileOne(p, opts));
    } catch (err) {
      const path = (err as { policyPath?: (string | number)[] }).policyPath ?? [];
      const hint = (err as { hint?: string }).hint ?? 'Check the path (relative paths are relative to the policy file).';
      diagnostics.push({ file: p.file, ...p.locate(path), severity: 'error', rule: 'key-unreadable', message: (err as Error).message, hint });
    }
    if (p.doc.noMatch !== undefined && !noMatch) noMatch = { action: p.doc.noMatch, source: `${p.file}:${p.locate(['noMatch']).line}` };
  }
  return { set: { policies, noMatch: noMatch ?? { action: DEFAULT_NO_MATCH, source: 'default (noMatch is not set)' } }, diagnostics };
}
