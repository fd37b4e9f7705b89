/**
 * The directory walker for `rootfs:PATH`: the same collector as for layers, over a live tree.
 * Symlinks are recorded, never followed; /proc, /sys and /dev are skipped when scanning `/`.
 * Synchronous fs calls: a tree walk is millions of tiny syscalls, and the promise API's thread-pool
 * round trip per call costs more than the calls themselves.
 */
import { closeSync, lstatSync, openSync, readdirSync, readlinkSync, readSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PortcullisError } from '../core/index.js';
import type { LayerAnalysis, Cataloger } from '../catalog/index.js';
import type { EntryType } from '../oci/index.js';
import { LayerCollector } from './analyse-layer.js';

const SKIP_AT_ROOT = new Set(['proc', 'sys', 'dev', 'run']);

export interface AnalyseRootfsOptions {
  onFile?: (path: string) => void;
  /** Extra root-relative paths to skip (e.g. the cache directory). */
  skip?: string[];
}

export async function analyseRootfs(root: string, catalogers: readonly Cataloger[], opts: AnalyseRootfsOptions = {}): Promise<LayerAnalysis> {
  const abs = resolve(root);
  let st;
  try {
    st = lstatSync(abs);
  } catch {
    st = undefined;
  }
  if (!st?.isDirectory()) throw new PortcullisError({ code: 'FILE_NOT_FOUND', message: `"${root}" is not a directory`, hint: 'rootfs: expects a directory tree, e.g. rootfs:/ or rootfs:./unpacked.' });
  const collector = new LayerCollector(catalogers);
  const skip = new Set(opts.skip ?? []);
  const isSlash = abs === '/';
  const stack: string[] = [''];
  while (stack.length > 0) {
    const rel = stack.pop()!;
    let names: string[];
    try {
      names = readdirSync(join(abs, rel));
    } catch (err) {
      collector.analysis.unknowns.push({ path: rel, cataloger: 'rootfs', reason: `cannot list directory: ${(err as NodeJS.ErrnoException).code ?? String(err)}` });
      continue;
    }
    names.sort();
    for (const name of names) {
      const path = rel ? `${rel}/${name}` : name;
      if ((isSlash && rel === '' && SKIP_AT_ROOT.has(name)) || skip.has(path)) continue;
      const full = join(abs, path);
      let s;
      try {
        s = lstatSync(full);
      } catch {
        continue;
      }
      const type: EntryType = s.isFile() ? 'file' : s.isDirectory() ? 'dir' : s.isSymbolicLink() ? 'symlink' : 'other';
      const h = { path, type, mode: s.mode, size: type === 'file' ? s.size : 0, uid: s.uid, gid: s.gid, ...(type === 'symlink' ? { linkname: safeReadlink(full) } : {}) };
      const want = collector.onEntry(h);
      if (type === 'dir') stack.push(path);
      if (!want) continue;
      opts.onFile?.(path);
      if (s.size > want.limit) {
        collector.onTooLarge(h, want.limit);
        continue;
      }
      let content: Buffer;
      try {
        const fd = openSync(full, 'r');
        try {
          content = Buffer.alloc(Math.min(s.size, want.limit));
          const bytesRead = readSync(fd, content, 0, content.length, 0);
          content = content.subarray(0, bytesRead);
        } finally {
          closeSync(fd);
        }
      } catch (err) {
        collector.analysis.unknowns.push({ path, cataloger: 'rootfs', reason: `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}` });
        continue;
      }
      if (want.sniff && !want.sniff(content.subarray(0, 65536))) continue;
      collector.onContent(h, content);
    }
  }
  return collector.analysis;
}

function safeReadlink(p: string): string {
  try {
    return readlinkSync(p);
  } catch {
    return '';
  }
}
