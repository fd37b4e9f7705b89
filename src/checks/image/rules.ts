/**
 * Image configuration rules (`scan image --scanners config`): the image config (user, env,
 * exposed ports, history) and the merged filesystem (setuid/setgid files, world-writable
 * directories without the sticky bit). Rules as data with small checks; `evaluate.ts` turns hits
 * into findings.
 *
 * @see https://github.com/opencontainers/image-spec/blob/main/config.md
 */
import { isCredentialName, isLiteralSecretValue } from '../_credentials.js';
import type { RuleDef } from '../rule.js';

/** What the image rules read (from `analyseTarget()`). */
export interface ImageInput {
  reference: string;
  config: { user?: string; env?: readonly string[]; exposedPorts?: readonly string[] };
  history: readonly { created_by?: string; empty_layer?: boolean }[];
  /** Merged filesystem: path (root-relative, no leading `/`) → entry. */
  entries: ReadonlyMap<string, { type: string; mode: number; uid: number; gid: number; layer: number }>;
}

export interface ImageHit {
  /** `config.User`, `config.Env[2]`, `history[4]`, or the file path (`/usr/bin/su`). */
  field: string;
  message: string;
  properties?: Record<string, unknown>;
}

export interface ImageRule extends RuleDef {
  check: (img: ImageInput) => ImageHit[];
}

const SPEC = 'https://github.com/opencontainers/image-spec/blob/main/config.md';
const quote = (s: string) => JSON.stringify(s);
const ROOT_USER = /^(root|0)?(:.*)?$/;
const MAX_FILE_HITS = 200;

const filePath = (p: string) => (p.startsWith('/') ? p : `/${p}`);

/** `NAME=value` assignments in a history command (ENV lines, `|2 TOKEN=x` build-arg prefixes). */
const ASSIGN = /(?:^|[\s;|&])([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|[^\s;|&]+)/g;

export const IMAGE_RULES: readonly ImageRule[] = [
  {
    id: 'image/root-user',
    title: 'Image runs as root',
    severity: 'HIGH',
    rationale: 'With no user in the image config (or root / 0) the container process is root unless the runtime overrides it.',
    remediation: 'Set USER to an unprivileged user (by UID, e.g. USER 10001) in the final stage of the Dockerfile.',
    links: [`${SPEC}#properties`, 'https://docs.docker.com/reference/dockerfile/#user'],
    kinds: ['Image'],
    check: (img) => {
      const u = (img.config.user ?? '').trim();
      return ROOT_USER.test(u) ? [{ field: 'config.User', message: u === '' ? 'the image config sets no user: the container runs as root' : `the image config runs as ${quote(u)}` }] : [];
    },
  },
  {
    id: 'image/privileged-port',
    title: 'Privileged port exposed',
    severity: 'LOW',
    rationale: 'Binding a port below 1024 needs root or CAP_NET_BIND_SERVICE, which pushes images towards running privileged.',
    remediation: 'Listen on a port at or above 1024 and map it in the Service or runtime.',
    links: [`${SPEC}#properties`],
    kinds: ['Image'],
    check: (img) =>
      (img.config.exposedPorts ?? []).flatMap((p) => {
        const n = Number(p.split('/')[0]);
        return Number.isInteger(n) && n > 0 && n < 1024 ? [{ field: 'config.ExposedPorts', message: `the image exposes privileged port ${p}`, properties: { port: p } }] : [];
      }),
  },
  {
    id: 'image/setuid-setgid',
    title: 'Setuid or setgid file',
    severity: 'MEDIUM',
    rationale: 'Setuid/setgid binaries run with their owner\'s privileges; each is a local privilege-escalation path if it has a flaw or the container allows escalation.',
    remediation: 'Remove the files or their setuid/setgid bits (chmod u-s,g-s) in the Dockerfile; run with allowPrivilegeEscalation: false.',
    links: ['https://man7.org/linux/man-pages/man2/execve.2.html'],
    kinds: ['Image'],
    check: (img) => {
      const hits: ImageHit[] = [];
      for (const [p, e] of img.entries) {
        if (e.type !== 'file' || (e.mode & 0o6000) === 0) continue;
        const bits = [e.mode & 0o4000 ? 'setuid' : '', e.mode & 0o2000 ? 'setgid' : ''].filter(Boolean).join('+');
        hits.push({ field: filePath(p), message: `${filePath(p)} is ${bits} (mode ${(e.mode & 0o7777).toString(8).padStart(4, '0')}, owner ${e.uid}:${e.gid})`, properties: { mode: (e.mode & 0o7777).toString(8), uid: e.uid, gid: e.gid, layer: e.layer } });
        if (hits.length >= MAX_FILE_HITS) break;
      }
      return hits.sort((a, b) => (a.field < b.field ? -1 : 1));
    },
  },
  {
    id: 'image/world-writable-dir',
    title: 'World-writable directory without the sticky bit',
    severity: 'MEDIUM',
    rationale: 'In a world-writable directory without the sticky bit any user can delete or replace files owned by others (binaries, configuration).',
    remediation: 'chmod o-w the directory, or add the sticky bit (chmod +t) where shared writing is intended (like /tmp).',
    links: ['https://man7.org/linux/man-pages/man1/chmod.1.html#RESTRICTED_DELETION_FLAG_OR_STICKY_BIT'],
    kinds: ['Image'],
    check: (img) => {
      const hits: ImageHit[] = [];
      for (const [p, e] of img.entries) {
        if (e.type !== 'dir' || (e.mode & 0o002) === 0 || (e.mode & 0o1000) !== 0) continue;
        hits.push({ field: filePath(p), message: `${filePath(p)} is world-writable without the sticky bit (mode ${(e.mode & 0o7777).toString(8).padStart(4, '0')})`, properties: { mode: (e.mode & 0o7777).toString(8), layer: e.layer } });
        if (hits.length >= MAX_FILE_HITS) break;
      }
      return hits.sort((a, b) => (a.field < b.field ? -1 : 1));
    },
  },
  {
    id: 'image/secret-in-env',
    title: 'Secret in the image environment',
    severity: 'HIGH',
    rationale: 'The config environment is readable by anyone who can pull the image and is inherited by every container started from it.',
    remediation: 'Remove the ENV from the Dockerfile, rotate the credential, and inject it at run time from a secret store.',
    links: [`${SPEC}#properties`, 'https://docs.docker.com/build/building/secrets/'],
    kinds: ['Image'],
    check: (img) =>
      (img.config.env ?? []).flatMap((e, i) => {
        const eq = e.indexOf('=');
        const name = eq < 0 ? e : e.slice(0, eq);
        return eq > 0 && isCredentialName(name) && isLiteralSecretValue(e.slice(eq + 1)) ? [{ field: `config.Env[${i}]`, message: `environment variable ${name} holds a literal value`, properties: { name } }] : [];
      }),
  },
  {
    id: 'image/secret-in-history',
    title: 'Secret in the image history',
    severity: 'HIGH',
    rationale: 'Build arguments and commands are recorded in the image history, readable by anyone who can pull the image, even when a later layer removes the file.',
    remediation: 'Use build secrets (RUN --mount=type=secret) instead of ARG/ENV or inline credentials, rebuild, and rotate the credential.',
    links: ['https://docs.docker.com/build/building/secrets/'],
    kinds: ['Image'],
    check: (img) => {
      const inEnv = new Set((img.config.env ?? []).map((e) => e.trim()));
      return img.history.flatMap((h, i) => {
        const cmd = h.created_by ?? '';
        const names = new Set<string>();
        for (const m of cmd.matchAll(ASSIGN)) {
          const value = m[2]!.replace(/^["']|["']$/g, '');
          if (!isCredentialName(m[1]!) || !isLiteralSecretValue(value)) continue;
          // An ENV instruction's value is already reported by image/secret-in-env.
          if (/\bENV\b/.test(cmd) && inEnv.has(`${m[1]}=${value}`)) continue;
          names.add(m[1]!);
        }
        return names.size ? [{ field: `history[${i}]`, message: `history entry ${i} records ${[...names].join(', ')} with a literal value`, properties: { names: [...names] } }] : [];
      });
    },
  },
];
