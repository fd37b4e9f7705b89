/**
 * The merged filesystem view of a stack of layers: bottom-up, with whiteouts and opaque
 * directories applied, as the OCI image spec defines (image-spec layer.md, "Whiteouts").
 */
import { PortcullisError } from '../core/index.js';
import type { LayerAnalysis } from './layer-analysis.js';
import type { ViewEntry } from './types.js';

const MAX_LINK_HOPS = 40;

export class MergedView {
  readonly entries = new Map<string, ViewEntry>();

  constructor(layers: readonly LayerAnalysis[]) {
    layers.forEach((layer, index) => {
      for (const dir of layer.opaqueDirs) this.removeChildren(dir);
      for (const p of layer.whiteouts) {
        this.entries.delete(p);
        this.removeChildren(p);
      }
      for (const e of layer.entries) {
        const prev = this.entries.get(e.path);
        // A non-directory replacing a directory hides everything below it.
        if (prev && prev.type === 'dir' && e.type !== 'dir') this.removeChildren(e.path);
        this.entries.set(e.path, { ...e, layer: index });
        this.addParents(e.path, index);
      }
    });
  }

  /** Tars may omit directory entries; the directories still exist. */
  private addParents(path: string, layer: number): void {
    for (let i = path.lastIndexOf('/'); i > 0; i = path.lastIndexOf('/', i - 1)) {
      const parent = path.slice(0, i);
      if (this.entries.has(parent)) return;
      this.entries.set(parent, { path: parent, type: 'dir', mode: 0o40755, size: 0, uid: 0, gid: 0, layer });
    }
  }

  private removeChildren(dir: string): void {
    const prefix = dir === '' ? '' : dir + '/';
    for (const key of this.entries.keys()) {
      if (key.startsWith(prefix) && key !== dir) this.entries.delete(key);
    }
  }

  /** The entry at a root-relative path, without following symlinks. */
  get(path: string): ViewEntry | undefined {
    return this.entries.get(path);
  }

  /**
   * Resolves symlinks in every component of `path` (root-relative), like the kernel would
   * with the image root as `/`. Returns the final root-relative path, or undefined when a
   * component is missing. Throws SYMLINK_LOOP after too many hops.
   */
  resolve(path: string): string | undefined {
    let hops = 0;
    let pending = splitPath(path);
    const done: string[] = [];
    while (pending.length > 0) {
      const part = pending.shift()!;
      if (part === '.' || part === '') continue;
      if (part === '..') {
        done.pop();
        continue;
      }
      const candidate = [...done, part].join('/');
      const entry = this.entries.get(candidate);
      if (!entry) return undefined;
      if (entry.type === 'symlink' && entry.linkname !== undefined) {
        if (++hops > MAX_LINK_HOPS) {
          throw new PortcullisError({
            code: 'SYMLINK_LOOP',
            message: `Too many levels of symbolic links resolving "/${path}"`,
            hint: 'The image contains a symlink loop; fix the image or exclude the path.',
          });
        }
        const target = splitPath(entry.linkname);
        if (entry.linkname.startsWith('/')) done.length = 0;
        pending = [...target, ...pending];
        continue;
      }
      if (entry.type === 'hardlink' && entry.linkname !== undefined && pending.length === 0) {
        done.length = 0;
        pending = splitPath(entry.linkname);
        if (++hops > MAX_LINK_HOPS) {
          throw new PortcullisError({
            code: 'SYMLINK_LOOP',
            message: `Too many levels of links resolving "/${path}"`,
            hint: 'The image contains a link loop; fix the image.',
          });
        }
        continue;
      }
      done.push(part);
    }
    return done.join('/');
  }
}

function splitPath(p: string): string[] {
  return p.split('/').filter((s) => s !== '' && s !== '.');
}
