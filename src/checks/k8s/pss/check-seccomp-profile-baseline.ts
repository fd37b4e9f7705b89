/**
 * Seccomp (baseline). If a seccomp profile is set, it must not be Unconfined.
 *
 * v1.0–v1.18: metadata.annotations['seccomp.security.alpha.kubernetes.io/pod'] and
 * metadata.annotations['container.seccomp.security.alpha.kubernetes.io/<container>'];
 * allowed: undefined, runtime/default, docker/default, localhost/*.
 * v1.19+: spec.securityContext.seccompProfile.type and the containers' securityContext;
 * allowed: undefined, RuntimeDefault, Localhost.
 */
import { ALLOWED, containersOf, goQuote, pluralize, sortedSet, str, v } from './_helpers.js';
import { seccompFields } from './_seccomp.js';
import type { FieldPath, PssCheck } from './types.js';
import { isRecord } from '../../../core/index.js';

const POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
const CONTAINER_ANNOTATION_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';
const validAnnotation = (val: string) => val === 'runtime/default' || val === 'docker/default' || val.startsWith('localhost/');

export const checkSeccompProfileBaseline: PssCheck = {
  id: 'seccompProfile_baseline',
  level: 'baseline',
  title: 'Seccomp',
  remediation: 'Set securityContext.seccompProfile.type to RuntimeDefault or Localhost, or leave it unset; never Unconfined.',
  versions: [
    {
      minimumVersion: v(0),
      check: (meta, spec) => {
        const annotations = isRecord(meta.annotations) ? meta.annotations : {};
        const forbidden: string[] = [];
        const paths: FieldPath[] = [];
        const consider = (key: string) => {
          if (!Object.hasOwn(annotations, key)) return;
          const val = str(annotations[key]);
          if (!validAnnotation(val)) {
            forbidden.push(`${key}=${goQuote(val)}`);
            paths.push(['metadata', 'annotations', key]);
          }
        };
        consider(POD_ANNOTATION);
        for (const c of containersOf(spec)) consider(CONTAINER_ANNOTATION_PREFIX + c.name);
        const list = sortedSet(forbidden);
        if (list.length === 0) return ALLOWED;
        return { allowed: false, forbiddenReason: 'seccompProfile', forbiddenDetail: `forbidden ${pluralize('annotation', 'annotations', list.length)} ${list.join(', ')}`, paths };
      },
    },
    { minimumVersion: v(19), check: (_meta, spec) => seccompFields(spec, false) ?? ALLOWED },
  ],
};
