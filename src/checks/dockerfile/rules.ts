/**
 * The Dockerfile rules as data, each with its small check over the parsed file and its stages.
 * Stages: every FROM starts one; a FROM naming an earlier stage (`FROM build`) or `scratch` is not
 * an image. ARGs declared before the first FROM are substituted in FROM lines (`${BASE:-x}`); a
 * FROM still holding an unresolved variable is not judged.
 *
 * @see https://docs.docker.com/reference/dockerfile/
 * @see https://docs.docker.com/build/building/best-practices/
 */
import { isCredentialName, isLiteralSecretValue } from '../_credentials.js';
import type { RuleDef } from '../rule.js';
import type { Severity } from '../../core/index.js';
import { splitWords, type Instruction, type ParsedDockerfile } from './parse.js';

export interface Stage {
  index: number;
  from: Instruction;
  /** Base image as written, ARGs substituted; undefined when a variable is unresolved. */
  base?: string;
  /** `AS name`, lower-cased. */
  name?: string;
  /** Index of the earlier stage this one builds on, when `base` names one. */
  parent?: number;
  instructions: Instruction[];
}

export interface DockerfileHit {
  inst: Instruction;
  message: string;
  column?: number;
  severity?: Severity;
  stage?: Stage;
}

export interface DockerfileRule extends RuleDef {
  check: (df: ParsedDockerfile, stages: readonly Stage[]) => DockerfileHit[];
}

const REF = 'https://docs.docker.com/reference/dockerfile/';
const BEST = 'https://docs.docker.com/build/building/best-practices/';
const quote = (s: string) => JSON.stringify(s);

function substitute(s: string, vars: ReadonlyMap<string, string | undefined>): string | undefined {
  let unresolved = false;
  const out = s.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?([-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g, (_m, braced: string | undefined, op: string | undefined, word: string | undefined, bare: string | undefined) => {
    const v = vars.get((braced ?? bare)!);
    if (op === '-') return v !== undefined && v !== '' ? v : (word ?? '');
    if (op === '+') return v !== undefined && v !== '' ? (word ?? '') : '';
    if (v === undefined) unresolved = true;
    return v ?? '';
  });
  return unresolved ? undefined : out;
}

/** Splits the file into stages, resolving FROM bases and stage references. */
export function stagesOf(df: ParsedDockerfile): Stage[] {
  const globals = new Map<string, string | undefined>();
  const stages: Stage[] = [];
  for (const inst of df.instructions) {
    if (inst.keyword === 'FROM') {
      const words = splitWords(inst.args, df.escape);
      const written = words[0] ?? '';
      const asAt = words.findIndex((w) => w.toLowerCase() === 'as');
      const base = substitute(written, globals);
      const stage: Stage = { index: stages.length, from: inst, instructions: [], ...(base !== undefined ? { base } : {}), ...(asAt > 0 && words[asAt + 1] ? { name: words[asAt + 1]!.toLowerCase() } : {}) };
      if (base !== undefined) {
        const parent = stages.findIndex((s) => s.name === base.toLowerCase());
        if (parent >= 0) stage.parent = parent;
      }
      stages.push(stage);
    } else if (stages.length === 0) {
      if (inst.keyword === 'ARG') for (const w of splitWords(inst.args, df.escape)) {
        const eq = w.indexOf('=');
        globals.set(eq < 0 ? w : w.slice(0, eq), eq < 0 ? undefined : w.slice(eq + 1));
      }
    } else stages[stages.length - 1]!.instructions.push(inst);
  }
  return stages;
}

/** The final stage and the stages it builds on, nearest first. */
function finalChain(stages: readonly Stage[]): Stage[] {
  const chain: Stage[] = [];
  for (let s: Stage | undefined = stages[stages.length - 1]; s && !chain.includes(s); s = s.parent !== undefined ? stages[s.parent] : undefined) chain.push(s);
  return chain;
}

/** Stages whose base is an image (not scratch, not an earlier stage, variables resolved). */
function imageStages(stages: readonly Stage[]): (Stage & { base: string })[] {
  return stages.filter((s): s is Stage & { base: string } => s.base !== undefined && s.parent === undefined && s.base.toLowerCase() !== 'scratch' && s.base !== '');
}

function imageTag(image: string): { tag?: string; digest?: string } {
  const at = image.indexOf('@');
  const name = at >= 0 ? image.slice(0, at) : image;
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  return { ...(colon > slash ? { tag: name.slice(colon + 1) } : {}), ...(at >= 0 ? { digest: image.slice(at + 1) } : {}) };
}

const ROOT_USER = /^(root|0)(:.*)?$/;

/** KEY=value pairs of ENV (both forms) and ARG instructions. */
function assignments(inst: Instruction, escape: string): { name: string; value?: string }[] {
  const words = splitWords(inst.args, escape);
  if (inst.keyword === 'ENV' && words.length >= 1 && !words[0]!.includes('=')) {
    // Legacy form: ENV KEY value with spaces
    return [{ name: words[0]!, value: words.slice(1).join(' ') }];
  }
  return words.map((w) => {
    const eq = w.indexOf('=');
    return eq < 0 ? { name: w } : { name: w.slice(0, eq), value: w.slice(eq + 1) };
  });
}

const PIPE_TO_SHELL = /\b(curl|wget)\b[^|;&\n]*\|\s*(sudo\s+(-\S+\s+)*)?(env\s+)?(\/usr)?(\/bin\/)?(ba|da|z|k|a)?sh\b/;
const URL_SOURCE = /^(https?|ftp):\/\//i;

export const DOCKERFILE_RULES: readonly DockerfileRule[] = [
  {
    id: 'dockerfile/user-root',
    title: 'Final stage runs as root',
    severity: 'HIGH',
    rationale: 'Without a USER (or with USER root) the container process runs as root unless the orchestrator overrides it; a compromise then starts with root in the container.',
    remediation: 'Create an unprivileged user and add USER <name or uid> to the final stage.',
    links: [`${REF}#user`, `${BEST}#user`],
    kinds: ['Dockerfile'],
    check: (_df, stages) => {
      const chain = finalChain(stages);
      if (chain.length === 0) return [];
      for (const s of chain) {
        const users = s.instructions.filter((i) => i.keyword === 'USER');
        const last = users[users.length - 1];
        if (!last) continue;
        const u = last.args.trim();
        return ROOT_USER.test(u) ? [{ inst: last, message: `the final stage sets USER ${u}`, stage: chain[0]! }] : [];
      }
      return [{ inst: chain[0]!.from, message: 'the final stage has no USER instruction: the container runs as root unless its base image sets a user', severity: 'MEDIUM', stage: chain[0]! }];
    },
  },
  {
    id: 'dockerfile/add-url',
    title: 'ADD from a URL',
    severity: 'MEDIUM',
    rationale: 'ADD fetches remote content at build time without verifying it (unless --checksum is given): a changed or hijacked URL changes the image silently.',
    remediation: 'Download with RUN curl/wget and verify a checksum, or use ADD --checksum=sha256:…; use COPY for local files.',
    links: [`${REF}#add`, `${BEST}#add-or-copy`],
    kinds: ['Dockerfile'],
    check: (df) =>
      df.instructions
        .filter((i) => i.keyword === 'ADD' && !i.flags.checksum)
        .flatMap((i) => {
          const words = i.json ?? splitWords(i.args, df.escape);
          const urls = words.slice(0, -1).filter((w) => URL_SOURCE.test(w));
          return urls.length ? [{ inst: i, message: `ADD fetches ${urls.map(quote).join(', ')} without a checksum` }] : [];
        }),
  },
  {
    id: 'dockerfile/curl-pipe-shell',
    title: 'Remote script piped into a shell',
    severity: 'HIGH',
    rationale: 'curl … | sh runs whatever the server returns at build time, unverified; a compromised or spoofed server owns the image.',
    remediation: 'Download the script to a file, verify its checksum or signature, then run it.',
    links: [`${BEST}#run`],
    kinds: ['Dockerfile'],
    check: (df) =>
      df.instructions
        .filter((i) => i.keyword === 'RUN')
        .flatMap((i) => {
          const text = [i.json ? i.json.join(' ') : i.args, ...i.heredocs.map((h) => h.body)].join('\n');
          const m = PIPE_TO_SHELL.exec(text);
          return m ? [{ inst: i, message: `RUN pipes ${m[1]} output into a shell` }] : [];
        }),
  },
  {
    id: 'dockerfile/unpinned-base-image',
    title: 'Base image without tag or digest',
    severity: 'MEDIUM',
    rationale: 'FROM without a tag means :latest: every build may start from a different image.',
    remediation: 'Pin the base image to a version tag and, better, a digest: FROM image:1.2.3@sha256:….',
    links: [`${REF}#from`, `${BEST}#from`],
    kinds: ['Dockerfile'],
    check: (_df, stages) => imageStages(stages).flatMap((s) => (imageTag(s.base).tag === undefined && !imageTag(s.base).digest ? [{ inst: s.from, message: `base image ${quote(s.base)} has no tag or digest`, stage: s, ...(s.from.argsColumn ? { column: s.from.argsColumn } : {}) }] : [])),
  },
  {
    id: 'dockerfile/latest-base-image',
    title: 'Base image uses the latest tag',
    severity: 'MEDIUM',
    rationale: '":latest" moves: builds are not reproducible and may pick up an untested base.',
    remediation: 'Pin the base image to a version tag and, better, a digest.',
    links: [`${REF}#from`, `${BEST}#from`],
    kinds: ['Dockerfile'],
    check: (_df, stages) => imageStages(stages).flatMap((s) => (imageTag(s.base).tag === 'latest' && !imageTag(s.base).digest ? [{ inst: s.from, message: `base image ${quote(s.base)} uses the latest tag`, stage: s, ...(s.from.argsColumn ? { column: s.from.argsColumn } : {}) }] : [])),
  },
  {
    id: 'dockerfile/secret-in-env-arg',
    title: 'Secret in ENV or ARG',
    severity: 'HIGH',
    rationale: 'ENV values are stored in the image config and ARG values in the build history: anyone who can pull the image reads them.',
    remediation: 'Use build secrets (RUN --mount=type=secret) at build time and inject runtime secrets from the orchestrator.',
    links: ['https://docs.docker.com/build/building/secrets/', `${REF}#env`],
    kinds: ['Dockerfile'],
    check: (df) =>
      df.instructions
        .filter((i) => i.keyword === 'ENV' || i.keyword === 'ARG')
        .flatMap((i) =>
          assignments(i, df.escape)
            .filter((a) => a.value !== undefined && isCredentialName(a.name) && isLiteralSecretValue(a.value))
            .map((a) => ({ inst: i, message: `${i.keyword} ${a.name} has a literal value` })),
        ),
  },
  {
    id: 'dockerfile/no-healthcheck',
    title: 'No HEALTHCHECK',
    severity: 'LOW',
    rationale: 'Without a HEALTHCHECK a hung process looks healthy to Docker and Swarm (Kubernetes uses its own probes).',
    remediation: 'Add HEALTHCHECK CMD … to the final stage, or define liveness/readiness probes where it runs.',
    links: [`${REF}#healthcheck`],
    kinds: ['Dockerfile'],
    check: (_df, stages) => {
      const chain = finalChain(stages);
      if (chain.length === 0) return [];
      for (const s of chain) {
        const hc = s.instructions.filter((i) => i.keyword === 'HEALTHCHECK');
        const last = hc[hc.length - 1];
        if (last) return /^none$/i.test(last.args.trim()) ? [{ inst: last, message: 'HEALTHCHECK NONE disables the health check', stage: chain[0]! }] : [];
      }
      return [{ inst: chain[0]!.from, message: 'the final stage has no HEALTHCHECK', stage: chain[0]! }];
    },
  },
];
