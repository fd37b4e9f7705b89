/**
 * Layer-result cache keyed by diffID (plus the analyser version): a shared base layer is read
 * once for all images. Files are written atomically; a corrupt entry is ignored and rewritten.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile, unlink } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { LayerAnalysis, Cataloger } from '../catalog/index.js';

/** Bump when the LayerAnalysis shape or the walker's behaviour changes. */
const ANALYSIS_FORMAT = 2;

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PORTCULLIS_CACHE_DIR) return env.PORTCULLIS_CACHE_DIR;
  const base = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'portcullis');
}

export function analyserKey(catalogers: readonly Cataloger[]): string {
  const ids = catalogers.map((c) => `${c.id}@${c.version}`).sort().join(',');
  return createHash('sha256').update(`${ANALYSIS_FORMAT}|${ids}`).digest('hex').slice(0, 16);
}

export class LayerCache {
  private readonly dir: string;

  constructor(
    root: string,
    private readonly key: string,
  ) {
    this.dir = join(root, 'layers', key);
  }

  private file(diffId: string): string {
    return join(this.dir, diffId.replace(':', '-') + '.json');
  }

  async get(diffId: string): Promise<LayerAnalysis | undefined> {
    if (!/^sha(256|512):[a-f0-9]+$/.test(diffId)) return undefined;
    let text: string;
    try {
      text = await readFile(this.file(diffId), 'utf8');
    } catch {
      return undefined;
    }
    try {
      const doc = JSON.parse(text) as { diffId: string; key: string; analysis: LayerAnalysis };
      if (doc.diffId !== diffId || doc.key !== this.key || !Array.isArray(doc.analysis?.entries)) return undefined;
      return doc.analysis;
    } catch {
      return undefined;
    }
  }

  async put(diffId: string, analysis: LayerAnalysis): Promise<void> {
    if (!/^sha(256|512):[a-f0-9]+$/.test(diffId)) return;
    await mkdir(this.dir, { recursive: true });
    const target = this.file(diffId);
    const tmp = `${target}.${process.pid}.${Date.now()}.tmp`;
    try {
      await writeFile(tmp, JSON.stringify({ diffId, key: this.key, analysis }));
      await rename(tmp, target);
    } catch (err) {
      await unlink(tmp).catch(() => undefined);
      throw err;
    }
  }
}
