/**
 * Volume Types (restricted). Only core volume types and those backed by PersistentVolumes.
 *
 * Restricted field: spec.volumes[*]. Allowed: configMap, csi, downwardAPI, emptyDir, ephemeral,
 * image, persistentVolumeClaim, projected, secret. (A volume with no source is defaulted to
 * emptyDir by the API server.) Replaces `hostPathVolumes` when restricted is evaluated.
 */
import { ALLOWED, asArray, joinQuote, pluralize, sortedSet, str, v } from './_helpers.js';
import type { FieldPath, PssCheck } from './types.js';
import { isRecord } from '../../../core/index.js';

export const ALLOWED_VOLUME_TYPES: ReadonlySet<string> = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret']);

/** The other volume sources of the core API, as the admission controller names them. */
export const RESTRICTED_VOLUME_TYPES: readonly string[] = ['hostPath', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'nfs', 'iscsi', 'glusterfs', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'fc', 'azureFile', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'portworxVolume', 'scaleIO', 'storageos'];

const present = (vol: Record<string, unknown>, k: string) => vol[k] !== undefined && vol[k] !== null;

export const checkRestrictedVolumes: PssCheck = {
  id: 'restrictedVolumes',
  level: 'restricted',
  title: 'Volume Types',
  remediation: 'Use only configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected or secret volumes; reach other storage through a PersistentVolumeClaim.',
  versions: [
    {
      minimumVersion: v(0),
      overrides: ['hostPathVolumes'],
      check: (_meta, spec) => {
        const names: string[] = [];
        const types: string[] = [];
        const paths: FieldPath[] = [];
        asArray(spec.volumes).forEach((vol, i) => {
          if (!isRecord(vol)) return;
          for (const k of ALLOWED_VOLUME_TYPES) if (present(vol, k)) return;
          const type = RESTRICTED_VOLUME_TYPES.find((k) => present(vol, k));
          if (type === undefined) return; // no source: defaulted to emptyDir
          names.push(str(vol.name));
          types.push(type);
          paths.push(['spec', 'volumes', i, type]);
        });
        if (names.length === 0) return ALLOWED;
        const list = sortedSet(types);
        return {
          allowed: false,
          forbiddenReason: 'restricted volume types',
          forbiddenDetail: `${pluralize('volume', 'volumes', names.length)} ${joinQuote(names)} ${pluralize('uses', 'use', names.length)} ${pluralize('restricted volume type', 'restricted volume types', list.length)} ${joinQuote(list)}`,
          paths,
        };
      },
    },
  ],
};
