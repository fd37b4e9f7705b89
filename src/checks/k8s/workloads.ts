/**
 * Workload kinds reduced to their pod template: where the pod metadata and spec sit in each kind.
 * Only the core API groups are recognised, so a custom resource that happens to be named
 * `Deployment` is not mistaken for one.
 */
import type { ManifestObject } from './load.js';
import type { FieldPath, PodMetaLike, PodSpecLike } from './pss/types.js';
import { isRecord } from '../../core/index.js';

interface WorkloadKind {
  /** API groups (the part of apiVersion before `/`; `''` for the core group). */
  groups: readonly string[];
  /** Path of the pod template (an object with `metadata` and `spec`); `[]` for a Pod. */
  template: FieldPath;
}

export const WORKLOAD_KINDS: Readonly<Record<string, WorkloadKind>> = {
  Pod: { groups: [''], template: [] },
  PodTemplate: { groups: [''], template: ['template'] },
  ReplicationController: { groups: [''], template: ['spec', 'template'] },
  ReplicaSet: { groups: ['apps', 'extensions'], template: ['spec', 'template'] },
  Deployment: { groups: ['apps', 'extensions'], template: ['spec', 'template'] },
  StatefulSet: { groups: ['apps'], template: ['spec', 'template'] },
  DaemonSet: { groups: ['apps', 'extensions'], template: ['spec', 'template'] },
  Job: { groups: ['batch'], template: ['spec', 'template'] },
  CronJob: { groups: ['batch'], template: ['spec', 'jobTemplate', 'spec', 'template'] },
};

export interface PodTemplate {
  /** Path of the template inside the object; check paths (`spec…`, `metadata…`) are relative to it. */
  base: FieldPath;
  meta: PodMetaLike;
  spec: PodSpecLike;
}


function groupOf(apiVersion: string): string {
  const i = apiVersion.indexOf('/');
  return i < 0 ? '' : apiVersion.slice(0, i);
}

/** The pod template of a workload object, or undefined for other kinds. */
export function podTemplateOf(obj: Pick<ManifestObject, 'apiVersion' | 'kind' | 'value'>): PodTemplate | undefined {
  const wk = Object.hasOwn(WORKLOAD_KINDS, obj.kind) ? WORKLOAD_KINDS[obj.kind] : undefined;
  if (!wk || !wk.groups.includes(groupOf(obj.apiVersion))) return undefined;
  let node: unknown = obj.value;
  for (const seg of wk.template) node = isRecord(node) ? node[seg as string] : undefined;
  if (!isRecord(node)) return { base: wk.template, meta: {}, spec: {} };
  return { base: wk.template, meta: isRecord(node.metadata) ? (node.metadata as PodMetaLike) : {}, spec: isRecord(node.spec) ? (node.spec as PodSpecLike) : {} };
}
