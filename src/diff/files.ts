/**
 * Risky permission bits that appeared or disappeared: setuid (04000) and setgid (02000) on regular
 * files (hard links included: they are regular files under another name), world-writable (0002)
 * on regular files and directories. Symlinks (always 0777) and device nodes are not considered.
 *
 * World-writable directories with the sticky bit (01000, like /tmp) are usual: they are reported
 * with `sticky: true` and not counted as risky.
 */
import type { ViewEntry, MergedView } from '../catalog/index.js';
import type { FileChange, FileFlag } from './types.js';

const S_ISUID = 0o4000;
const S_ISGID = 0o2000;
const S_ISVTX = 0o1000;
const S_IWOTH = 0o002;

/** The risky bits of one merged-view entry. */
export function riskyFlagsOf(e: Pick<ViewEntry, 'type' | 'mode'>): FileFlag[] {
  const file = e.type === 'file' || e.type === 'hardlink';
  if (!file && e.type !== 'dir') return [];
  const flags: FileFlag[] = [];
  if (file && e.mode & S_ISUID) flags.push('setuid');
  if (file && e.mode & S_ISGID) flags.push('setgid');
  if (e.mode & S_IWOTH) flags.push('world-writable');
  return flags;
}

function octal(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}

export interface FileDiffInput {
  before: MergedView;
  after: MergedView;
  /** diffIDs of the after/before layers, by index (to name the layer that brought a path). */
  beforeLayers?: readonly string[];
  afterLayers?: readonly string[];
}

function change(
  kind: FileChange['change'],
  e: ViewEntry,
  flags: FileFlag[],
  other: ViewEntry | undefined,
  layers: readonly string[] | undefined,
): FileChange {
  const diffId = layers?.[e.layer];
  return {
    change: kind,
    path: '/' + e.path,
    type: e.type === 'dir' ? 'dir' : 'file',
    flags,
    mode: octal(e.mode),
    uid: e.uid,
    gid: e.gid,
    ...(e.type === 'dir' && e.mode & S_ISVTX ? { sticky: true as const } : {}),
    ...(other ? { otherMode: octal(other.mode) } : {}),
    ...(diffId ? { layerDiffId: diffId } : {}),
  };
}

/** Paths that gained risky bits in `after` (`added`) or lost them (`removed`), sorted by path. */
export function diffFiles(input: FileDiffInput): FileChange[] {
  const out: FileChange[] = [];
  for (const e of input.after.entries.values()) {
    const now = riskyFlagsOf(e);
    if (now.length === 0) continue;
    const prev = input.before.get(e.path);
    const had = prev ? riskyFlagsOf(prev) : [];
    const gained = now.filter((f) => !had.includes(f));
    if (gained.length > 0) out.push(change('added', e, gained, prev, input.afterLayers));
  }
  for (const e of input.before.entries.values()) {
    const had = riskyFlagsOf(e);
    if (had.length === 0) continue;
    const next = input.after.get(e.path);
    const now = next ? riskyFlagsOf(next) : [];
    const lost = had.filter((f) => !now.includes(f));
    if (lost.length > 0) out.push(change('removed', e, lost, next, input.beforeLayers));
  }
  return out.sort((x, y) =>
    x.path < y.path ? -1 : x.path > y.path ? 1 : x.change < y.change ? -1 : x.change > y.change ? 1 : 0,
  );
}

/** Whether a file change counts against the after image (`--exit-code`): gained bits, except sticky directories. */
export function isRiskyFileChange(c: FileChange): boolean {
  return c.change === 'added' && !c.sticky;
}
