/**
 * AppArmor (baseline). The default AppArmor profile must not be overridden or disabled.
 *
 * Restricted fields: spec.securityContext.appArmorProfile.type,
 * spec.{containers,initContainers,ephemeralContainers}[*].securityContext.appArmorProfile.type
 * (allowed: undefined, RuntimeDefault, Localhost) and
 * metadata.annotations['container.apparmor.security.beta.kubernetes.io/*']
 * (allowed: undefined, empty, runtime/default, localhost/*).
 *
 * Kubernetes checks the field (API since v1.30) in its one v1.0 revision, so both the field and
 * the annotations are checked at every policy version, as the admission controller does.
 */
import { ALLOWED, containersOf, goQuote, joinQuote, pluralize, sortedSet, str, v } from './_helpers.js';
import type { FieldPath, PssCheck } from './types.js';
import { isRecord } from '../../../core/index.js';

const ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';
const allowedType = (t: unknown) => t === 'RuntimeDefault' || t === 'Localhost';
const allowedAnnotation = (val: string) => val === '' || val === 'runtime/default' || val.startsWith('localhost/');

export const checkAppArmorProfile: PssCheck = {
  id: 'appArmorProfile',
  level: 'baseline',
  title: 'AppArmor',
  remediation: 'Use securityContext.appArmorProfile.type RuntimeDefault or Localhost (or leave it unset); never Unconfined.',
  versions: [
    {
      minimumVersion: v(0),
      check: (meta, spec) => {
        const setters: string[] = [];
        const values: string[] = [];
        const paths: FieldPath[] = [];
        const pod = spec.securityContext?.appArmorProfile;
        if (isRecord(pod) && !allowedType(pod.type)) {
          setters.push('pod');
          values.push(str(pod.type));
          paths.push(['spec', 'securityContext', 'appArmorProfile', 'type']);
        }
        const names: string[] = [];
        for (const c of containersOf(spec)) {
          const p = c.container.securityContext?.appArmorProfile;
          if (isRecord(p) && !allowedType(p.type)) {
            names.push(c.name);
            values.push(str(p.type));
            paths.push([...c.path, 'securityContext', 'appArmorProfile', 'type']);
          }
        }
        if (names.length > 0) setters.push(`${pluralize('container', 'containers', names.length)} ${joinQuote(names)}`);
        const annotations: string[] = [];
        for (const [k, val] of Object.entries(isRecord(meta.annotations) ? meta.annotations : {})) {
          if (k.startsWith(ANNOTATION_PREFIX) && !allowedAnnotation(str(val))) {
            annotations.push(`${k}=${goQuote(str(val))}`);
            paths.push(['metadata', 'annotations', k]);
          }
        }
        const list = sortedSet(values);
        if (annotations.length > 0) {
          list.push(...annotations.sort());
          setters.push(pluralize('annotation', 'annotations', annotations.length));
        }
        if (setters.length === 0) return ALLOWED;
        return {
          allowed: false,
          forbiddenReason: pluralize('forbidden AppArmor profile', 'forbidden AppArmor profiles', list.length),
          forbiddenDetail: `${setters.join(' and ')} must not set AppArmor profile type to ${joinQuote(list)}`,
          paths,
          containers: names,
        };
      },
    },
  ],
};
