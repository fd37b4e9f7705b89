/**
 * The images of the object under review — every workload kind the `checks/k8s` module knows
 * (Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob, ReplicationController),
 * containers, init containers and ephemeral containers — each with the JSON pointer of its
 * `image` field (for digest patches) and its normalised reference.
 */
import { parseImageName, podTemplateOf, type PodTemplate } from '../checks/index.js';
import type { ImageName } from './evidence.js';

export const CONTAINER_FIELDS = ['initContainers', 'containers', 'ephemeralContainers'] as const;

export interface ObjectImage {
  container: string;
  field: (typeof CONTAINER_FIELDS)[number];
  /** RFC 6901 pointer of the image field in the object. */
  pointer: string;
  raw: string;
  /** Undefined when the reference cannot be parsed (`problem` says why). */
  name?: ImageName;
  /** `registry/repository[:tag][@digest]`; the raw text when unparseable. */
  reference: string;
  /** `registry/repository`. */
  repository: string;
  /** The registry came from the implicit default (`nginx`, not `docker.io/library/nginx`). */
  implicitRegistry: boolean;
  problem?: string;
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

function pointerOf(path: readonly (string | number)[]): string {
  return path.map((p) => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

export function formatImageName(n: ImageName): string {
  return `${n.registry}/${n.repository}${n.tag ? `:${n.tag}` : n.digest ? '' : ':latest'}${n.digest ? `@${n.digest}` : ''}`;
}

/** Parses and normalises one image reference as the container runtime reads it. */
export function normaliseImage(raw: string): Pick<ObjectImage, 'name' | 'reference' | 'repository' | 'implicitRegistry' | 'problem'> {
  const text = raw.trim();
  const first = text.split('/')[0]!;
  const implicitRegistry = !(text.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost'));
  const n = parseImageName(text);
  const problem =
    text === ''
      ? 'the image is empty'
      : !n.repository.split('/').every((c) => COMPONENT.test(c))
        ? `invalid repository "${n.repository}" (lower-case letters, digits and separators)`
        : n.tag !== undefined && !TAG.test(n.tag)
          ? `invalid tag "${n.tag}"`
          : n.digest !== undefined && !DIGEST.test(n.digest)
            ? `invalid digest "${n.digest}" (sha256: and 64 hex digits)`
            : undefined;
  if (problem) return { reference: text, repository: text, implicitRegistry, problem };
  return { name: n, reference: formatImageName(n), repository: `${n.registry}/${n.repository}`, implicitRegistry };
}

/** The pod template of the object (a Pod is its own), or undefined for other kinds. */
export function podOf(object: Record<string, unknown>): PodTemplate | undefined {
  const apiVersion = typeof object.apiVersion === 'string' ? object.apiVersion : '';
  const kind = typeof object.kind === 'string' ? object.kind : '';
  return podTemplateOf({ apiVersion, kind, value: object });
}

/** Every container image of a workload object, in the order the kubelet starts them. */
export function imagesOf(object: Record<string, unknown>): ObjectImage[] {
  const pod = podOf(object);
  if (!pod) return [];
  const out: ObjectImage[] = [];
  for (const field of CONTAINER_FIELDS) {
    const list = (pod.spec as Record<string, unknown>)[field];
    if (!Array.isArray(list)) continue;
    list.forEach((c: unknown, i) => {
      if (!isRecord(c) || typeof c.image !== 'string') return;
      const pointer = pointerOf([...pod.base, 'spec', field, i, 'image']);
      out.push({ container: typeof c.name === 'string' ? c.name : `${field}[${i}]`, field, pointer, raw: c.image, ...normaliseImage(c.image) });
    });
  }
  return out;
}
