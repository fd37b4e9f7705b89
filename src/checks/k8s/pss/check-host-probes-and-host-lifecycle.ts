/**
 * Probes and lifecycle hooks (baseline, v1.34+). The host field of probe and lifecycle handlers
 * must not be set, so a pod cannot make the kubelet send requests to other hosts.
 *
 * Restricted fields: spec.{containers,initContainers,ephemeralContainers}[*].
 * {livenessProbe,readinessProbe,startupProbe}.{httpGet,tcpSocket}.host and
 * lifecycle.{postStart,preStop}.{httpGet,tcpSocket}.host. Allowed values: undefined, "".
 */
import { ALLOWED, containersOf, joinQuote, pluralize, sortedSet, str, v } from './_helpers.js';
import type { FieldPath, HandlerLike, PssCheck } from './types.js';
import { isRecord } from '../../../core/index.js';

export const checkHostProbesAndHostLifecycle: PssCheck = {
  id: 'hostProbesAndHostLifecycle',
  level: 'baseline',
  title: 'Host Probes / Lifecycle Hooks',
  remediation: 'Remove the host field from httpGet and tcpSocket probes and lifecycle handlers (they then target the pod IP).',
  versions: [
    {
      minimumVersion: v(34),
      check: (_meta, spec) => {
        const names: string[] = [];
        const hosts: string[] = [];
        const paths: FieldPath[] = [];
        for (const c of containersOf(spec)) {
          let bad = false;
          const handlers: [HandlerLike | null | undefined, FieldPath][] = [
            [c.container.livenessProbe, [...c.path, 'livenessProbe']],
            [c.container.readinessProbe, [...c.path, 'readinessProbe']],
            [c.container.startupProbe, [...c.path, 'startupProbe']],
            [c.container.lifecycle?.postStart, [...c.path, 'lifecycle', 'postStart']],
            [c.container.lifecycle?.preStop, [...c.path, 'lifecycle', 'preStop']],
          ];
          for (const [h, at] of handlers) {
            if (!isRecord(h)) continue;
            for (const kind of ['httpGet', 'tcpSocket'] as const) {
              const host = isRecord(h[kind]) ? str(h[kind]!.host) : '';
              if (host !== '') {
                bad = true;
                hosts.push(host);
                paths.push([...at, kind, 'host']);
              }
            }
          }
          if (bad) names.push(c.name);
        }
        if (names.length === 0) return ALLOWED;
        const containers = sortedSet(names);
        const list = sortedSet(hosts);
        return {
          allowed: false,
          forbiddenReason: 'probe or lifecycle host',
          forbiddenDetail: `${pluralize('container', 'containers', containers.length)} ${joinQuote(containers)} ${pluralize('uses', 'use', containers.length)} ${pluralize('probe or lifecycle host', 'probe or lifecycle hosts', list.length)} ${joinQuote(list)}`,
          paths,
          containers,
        };
      },
    },
  ],
};
