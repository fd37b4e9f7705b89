/**
 * Parsing many manifest files on several threads. Large scans spend most of their time in the
 * YAML parser, so files are handed out in chunks to worker threads (`manifest-worker.ts`, bundled
 * next to the CLI as `manifest-worker.js`) while the calling thread parses chunks too, and the
 * plain results are put back in input order. Small inputs, single-core machines and runs from
 * sources (no bundled worker) parse in the calling thread only; a worker that fails hands its
 * chunks back to the calling thread, so the result never depends on where a file was parsed.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { parseManifestFile, type ParsedInput, type ParseLimits } from './_parse-manifests.js';

export interface ParseTask {
  path: string;
  /** Named on the command line (Dockerfiles are then also recognised by content). */
  explicit: boolean;
}

export interface ParseRequest {
  id: number;
  limits: ParseLimits;
  files: ParseTask[];
}

export interface ParseResponse {
  id: number;
  results: ParsedInput[];
}

/** At or below this many files a scan parses in the calling thread (starting a worker costs more). */
export const PARALLEL_MIN_FILES = 200;
const MAX_WORKERS = 3;
const CHUNK_FILES = 32;
/** Chunks sent ahead to each worker, so it never waits while the calling thread parses. */
const IN_FLIGHT = 2;

/** The bundled worker next to the CLI; absent when running from sources (tests, tsx). */
export const BUNDLED_WORKER = new URL('./manifest-worker.js', import.meta.url);

let bundledWorkerExists: boolean | undefined;

const parseChunk = (chunk: readonly ParseTask[], limits: ParseLimits) => chunk.map((t) => parseManifestFile(t.path, limits, t.explicit));

/**
 * How many worker threads to start for `files` files, besides the calling thread: one per further
 * core (up to 3) by default; 0 means parse in the calling thread only.
 */
export function parseWorkerCount(files: number, opts: { workers?: number; workerUrl?: URL } = {}): number {
  const n = opts.workers ?? Math.min(MAX_WORKERS, availableParallelism() - 1);
  if (n < 1 || files <= PARALLEL_MIN_FILES) return 0;
  if (opts.workerUrl) return existsSync(fileURLToPath(opts.workerUrl)) ? n : 0;
  bundledWorkerExists ??= BUNDLED_WORKER.protocol === 'file:' && existsSync(fileURLToPath(BUNDLED_WORKER));
  return bundledWorkerExists ? n : 0;
}

/** Reads and parses `tasks` on the calling thread and `workers` worker threads; results in task order. */
export async function parseFilesInParallel(tasks: readonly ParseTask[], limits: ParseLimits, opts: { workers: number; workerUrl?: URL }): Promise<ParsedInput[]> {
  const chunks: ParseTask[][] = [];
  for (let i = 0; i < tasks.length; i += CHUNK_FILES) chunks.push(tasks.slice(i, i + CHUNK_FILES));
  const results: ParsedInput[][] = new Array(chunks.length);
  let next = 0;
  let done = 0;
  let failure: { err: unknown } | undefined;
  let wake: (() => void) | undefined;
  const settle = () => {
    wake?.();
    wake = undefined;
  };
  const parseHere = (id: number) => {
    try {
      results[id] = parseChunk(chunks[id]!, limits);
    } catch (err) {
      failure ??= { err };
    }
    done++;
  };
  const pool = new Set<Worker>();
  const start = () => {
    const w = new Worker(opts.workerUrl ?? BUNDLED_WORKER);
    const inFlight = new Set<number>();
    const feed = () => {
      while (inFlight.size < IN_FLIGHT && next < chunks.length) {
        const id = next++;
        inFlight.add(id);
        const req: ParseRequest = { id, limits, files: chunks[id]! };
        w.postMessage(req);
      }
    };
    // A worker that cannot start or fails: its chunks are parsed here instead.
    const fail = () => {
      w.removeAllListeners();
      pool.delete(w);
      void w.terminate();
      for (const id of inFlight) parseHere(id);
      inFlight.clear();
      settle();
    };
    w.on('message', (res: ParseResponse) => {
      inFlight.delete(res.id);
      results[res.id] = res.results;
      done++;
      feed();
      settle();
    });
    w.on('error', fail);
    w.on('exit', () => inFlight.size > 0 && fail());
    pool.add(w);
    feed();
  };
  try {
    for (let i = 0; i < opts.workers; i++) start();
    while (done < chunks.length && !failure) {
      if (next < chunks.length) {
        parseHere(next++);
        await new Promise<void>((resolve) => setImmediate(resolve)); // let worker answers in
      } else await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    for (const w of pool) {
      w.removeAllListeners();
      void w.terminate();
    }
  }
  if (failure) throw failure.err;
  return results.flat();
}
