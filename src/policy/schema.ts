/**
 * The policy documents, as zod schemas: Kubernetes-shaped (`apiVersion: portcullis.dev/v1alpha1`),
 * strict (an unknown field is an error, so a typo never silently weakens a policy).
 *
 * - `ClusterImagePolicy` / `ImagePolicy` (one namespace): rules about the images they name.
 * - `ClusterWorkloadPolicy` / `WorkloadPolicy` (one namespace): rules about the pod itself.
 *
 * Every document may also carry the top-level `noMatch` (what happens to an image that no image
 * policy covers); documents that set it must agree.
 */
import { z } from 'zod';
import { SEVERITIES, POLICY_MODES } from '../core/index.js';
import { PSS_LEVELS } from '../checks/index.js';

export const POLICY_API_VERSION = 'portcullis.dev/v1alpha1';
export const IMAGE_POLICY_KINDS = ['ClusterImagePolicy', 'ImagePolicy'] as const;
export const WORKLOAD_POLICY_KINDS = ['ClusterWorkloadPolicy', 'WorkloadPolicy'] as const;
export const POLICY_KINDS = [...IMAGE_POLICY_KINDS, ...WORKLOAD_POLICY_KINDS] as const;
export type PolicyKind = (typeof POLICY_KINDS)[number];
export const NO_MATCH_ACTIONS = ['allow', 'warn', 'deny'] as const;
export type NoMatchAction = (typeof NO_MATCH_ACTIONS)[number];
/** The annotation that admits a failing object with a warning, where a policy allows it. */
export const BREAKGLASS_ANNOTATION = 'portcullis.dev/breakglass';

/** A date (`2027-01-31`) or a date-time; YAML may have parsed it into a Date already. */
const dateLike = z.union([z.date(), z.string().min(1)]);
/** `7d`, `36h`, `90m`, `1w`. */
const duration = z.string().regex(/^[0-9]+[smhdw]$/, 'a duration such as 7d, 36h or 30m');
const globList = z.array(z.string()).min(1);

const metadata = z
  .object({
    name: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'a lower-case DNS name'),
    namespace: z.string().min(1).optional(),
    labels: z.record(z.string(), z.string()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
  })
  .strict();

const exemption = z
  .object({
    namespaces: globList.optional(),
    serviceAccounts: globList.optional(),
    images: globList.optional(),
    until: dateLike.optional(),
    reason: z.string().optional(),
  })
  .strict();

const keyRef = z
  .object({ file: z.string().min(1).optional(), pkcs11: z.string().startsWith('pkcs11:').optional() })
  .strict()
  .refine((k) => (k.file === undefined) !== (k.pkcs11 === undefined), 'exactly one of file or pkcs11');

const keyless = z
  .object({
    issuer: z.string().min(1).optional(),
    issuerRegex: z.string().min(1).optional(),
    subject: z.string().min(1).optional(),
    subjectRegex: z.string().min(1).optional(),
    /** A Sigstore trusted_root.json; default: the public-good root. */
    trustedRoot: z.string().min(1).optional(),
  })
  .strict()
  .refine((k) => k.issuer !== undefined || k.issuerRegex !== undefined, 'issuer or issuerRegex is required')
  .refine((k) => k.subject !== undefined || k.subjectRegex !== undefined, 'subject or subjectRegex is required');

const authority = z
  .object({ name: z.string().min(1), key: keyRef.optional(), keyless: keyless.optional() })
  .strict()
  .refine((a) => (a.key === undefined) !== (a.keyless === undefined), 'exactly one of key or keyless');
export type AuthoritySpec = z.infer<typeof authority>;

const signatures = z
  .object({ threshold: z.number().int().min(1).default(1), authorities: z.array(authority).min(1) })
  .strict();

const attestation = z
  .object({
    name: z.string().min(1).optional(),
    /** A short name (`slsaprovenance`, `vuln`, `spdxjson`, …) or a predicate type URI. */
    predicateType: z.string().min(1),
    /** CEL over `predicate`, `predicateType`, `subject`, `now`; true passes. */
    condition: z.string().min(1).optional(),
    /** Names of `signatures.authorities`, or authorities defined here. */
    authorities: z.array(z.union([z.string().min(1), authority])).min(1),
  })
  .strict();

const severity = z.enum(SEVERITIES);
const maxCounts = z
  .object(Object.fromEntries([...SEVERITIES.map((s) => [s, z.number().int().min(0).optional()]), ['total', z.number().int().min(0).optional()]]) as Record<string, z.ZodOptional<z.ZodNumber>>)
  .strict();

const vulnerabilities = z
  .object({
    /** Fixable findings above this severity deny. */
    maxSeverity: severity.optional(),
    /** Findings without a fix above this severity deny; absent: unfixable findings never block. */
    maxUnfixableSeverity: severity.optional(),
    /** At most this many findings per severity (and in total). */
    maxCounts: maxCounts.optional(),
    /** Count only findings with a fix (for maxCounts). */
    fixableOnly: z.boolean().default(false),
    /** Checked first: these ids never count, until their date. */
    allow: z.array(z.object({ id: z.string().min(1), reason: z.string().min(1), until: dateLike.optional() }).strict()).optional(),
    /** A scan older than this does not count. */
    maxEvidenceAge: duration.optional(),
  })
  .strict();

const imageSpec = z
  .object({
    mode: z.enum(POLICY_MODES).default('enforce'),
    images: globList,
    /** Cluster kinds: namespaces the policy applies in (globs); default every namespace. */
    namespaces: globList.optional(),
    /** Registry hosts or repository prefixes (`registry.example`, `ghcr.io/acme`). */
    trustedRegistries: z.array(z.string().min(1)).min(1).optional(),
    digests: z.enum(['deny', 'mutate', 'allow']).default('allow'),
    signatures: signatures.optional(),
    attestations: z.array(attestation).min(1).optional(),
    vulnerabilities: vulnerabilities.optional(),
    exemptions: z.array(exemption).optional(),
    /** Whether the breakglass annotation may admit what this policy denies. */
    breakglass: z.boolean().default(false),
  })
  .strict();

const workloadSpec = z
  .object({
    mode: z.enum(POLICY_MODES).default('enforce'),
    namespaces: globList.optional(),
    podSecurity: z.object({ level: z.enum(PSS_LEVELS), version: z.string().default('latest') }).strict().optional(),
    exemptions: z.array(exemption).optional(),
    breakglass: z.boolean().default(false),
  })
  .strict();

const base = { apiVersion: z.literal(POLICY_API_VERSION), metadata, noMatch: z.enum(NO_MATCH_ACTIONS).optional() };

export const policyDocumentSchema = z.discriminatedUnion('kind', [
  z.object({ ...base, kind: z.literal('ClusterImagePolicy'), spec: imageSpec }).strict(),
  z.object({ ...base, kind: z.literal('ImagePolicy'), spec: imageSpec.omit({ namespaces: true }) }).strict(),
  z.object({ ...base, kind: z.literal('ClusterWorkloadPolicy'), spec: workloadSpec }).strict(),
  z.object({ ...base, kind: z.literal('WorkloadPolicy'), spec: workloadSpec.omit({ namespaces: true }) }).strict(),
]);

export type PolicyDocument = z.infer<typeof policyDocumentSchema>;
export type ImagePolicyDocument = Extract<PolicyDocument, { kind: 'ClusterImagePolicy' | 'ImagePolicy' }>;
export type WorkloadPolicyDocument = Extract<PolicyDocument, { kind: 'ClusterWorkloadPolicy' | 'WorkloadPolicy' }>;
export type ImagePolicySpec = z.infer<typeof imageSpec>;
export type WorkloadPolicySpec = z.infer<typeof workloadSpec>;
export type ExemptionSpec = z.infer<typeof exemption>;
export type VulnerabilitySpec = z.infer<typeof vulnerabilities>;
export type AttestationSpec = z.infer<typeof attestation>;
