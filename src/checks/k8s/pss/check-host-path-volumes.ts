/**
 * HostPath Volumes (baseline). HostPath volumes must be forbidden.
 *
 * Restricted fields: spec.volumes[*].hostPath. Allowed values: undefined/nil.
 * Under restricted, `restrictedVolumes` replaces this control.
 */
import { ALLOWED, asArray, joinQuote, pluralize, str, v } from './_helpers.js';
import type { FieldPath, PssCheck } from './types.js';
import { isRecord } from '../../../core/index.js';

export const checkHostPathVolumes: PssCheck = {
  id: 'hostPathVolumes',
  level: 'baseline',
  title: 'HostPath Volumes',
  remediation: 'Replace hostPath volumes with persistentVolumeClaim, configMap, secret, emptyDir or another non-host volume.',
  versions: [
    {
      minimumVersion: v(0),
      check: (_meta, spec) => {
        const names: string[] = [];
        const paths: FieldPath[] = [];
        asArray(spec.volumes).forEach((vol, i) => {
          if (isRecord(vol) && vol.hostPath !== undefined && vol.hostPath !== null) {
            names.push(str(vol.name));
            paths.push(['spec', 'volumes', i, 'hostPath']);
          }
        });
        if (names.length === 0) return ALLOWED;
        return { allowed: false, forbiddenReason: 'hostPath volumes', forbiddenDetail: `${pluralize('volume', 'volumes', names.length)} ${joinQuote(names)}`, paths };
      },
    },
  ],
};
