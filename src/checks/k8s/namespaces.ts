/**
 * Namespace labels of Pod Security Admission: `pod-security.kubernetes.io/<mode>` and
 * `pod-security.kubernetes.io/<mode>-version` for the modes enforce, audit and warn.
 *
 * A labelled Namespace in the input decides the policies for its objects; a missing label takes
 * the scan's default level or version (the role the admission configuration's defaults play in a
 * cluster). An invalid label value evaluates as restricted / latest, as the admission controller
 * does, with a note.
 */
import type { ManifestObject } from './load.js';
import { PSS_LEVELS, type PssLevel, type PssVersion } from './pss/types.js';
import { formatPssVersion, tryParsePssVersion } from './pss/version.js';

export const PSA_MODES = ['enforce', 'audit', 'warn'] as const;
export type PsaMode = (typeof PSA_MODES)[number];

export interface Policy {
  level: PssLevel;
  version: PssVersion | 'latest';
}

/** The policies for one namespace: per mode, or one `default` entry when it has no labels. */
export interface NamespacePolicies {
  modes: { mode: PsaMode | 'default'; policy: Policy }[];
}

const LABEL = 'pod-security.kubernetes.io/';

export function policyKey(p: Policy): string {
  return `${p.level}:${formatPssVersion(p.version)}`;
}

/** Reads the Namespace objects of the input into a name → policies map (with notes for bad labels). */
export function namespacePolicies(objects: readonly ManifestObject[], defaults: Policy, notes: string[]): Map<string, NamespacePolicies> {
  const out = new Map<string, NamespacePolicies>();
  for (const o of objects) {
    if (o.kind !== 'Namespace' || o.apiVersion !== 'v1' || !o.name) continue;
    const meta = o.value.metadata as { labels?: unknown } | undefined;
    const labels = meta && typeof meta.labels === 'object' && meta.labels !== null ? (meta.labels as Record<string, unknown>) : {};
    const modes: NamespacePolicies['modes'] = [];
    for (const mode of PSA_MODES) {
      const lv = labels[`${LABEL}${mode}`];
      const vv = labels[`${LABEL}${mode}-version`];
      if (lv === undefined && vv === undefined) continue;
      let level = defaults.level;
      let version = defaults.version;
      if (lv !== undefined) {
        if ((PSS_LEVELS as readonly unknown[]).includes(lv)) level = lv as PssLevel;
        else {
          level = 'restricted';
          notes.push(`Namespace "${o.name}" (${o.file}): invalid label ${LABEL}${mode}=${JSON.stringify(lv)}, evaluated as restricted`);
        }
      }
      if (vv !== undefined) {
        const parsed = typeof vv === 'string' ? tryParsePssVersion(vv) : undefined;
        if (parsed) version = parsed;
        else {
          version = 'latest';
          notes.push(`Namespace "${o.name}" (${o.file}): invalid label ${LABEL}${mode}-version=${JSON.stringify(vv)}, evaluated as latest`);
        }
      }
      modes.push({ mode, policy: { level, version } });
    }
    out.set(o.name, { modes: modes.length > 0 ? modes : [{ mode: 'default', policy: defaults }] });
  }
  return out;
}
