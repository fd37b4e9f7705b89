/**
 * Read access to a directory tree or a tar archive with the same small interface, so the OCI
 * layout and docker-archive readers work on both.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { PortcullisError } from '../core/index.js';
import { TarIndex } from './tar-index.js';

export interface FileStore {
  readonly location: string;
  exists(rel: string): Promise<boolean>;
  size(rel: string): Promise<number | undefined>;
  /** Reads a whole member, refusing more than `limit` bytes. */
  read(rel: string, limit: number): Promise<Buffer>;
  stream(rel: string): Readable;
}

function safeRel(root: string, rel: string): string {
  const abs = resolve(root, rel);
  if (abs !== resolve(root) && !abs.startsWith(resolve(root) + sep)) {
    throw new PortcullisError({ code: 'UNSAFE_PATH', message: `Path "${rel}" escapes "${root}"`, hint: 'The image metadata names a file outside the image; it is malformed or hostile.' });
  }
  return abs;
}

export class DirStore implements FileStore {
  constructor(readonly location: string) {}

  async exists(rel: string): Promise<boolean> {
    return (await this.size(rel)) !== undefined;
  }

  async size(rel: string): Promise<number | undefined> {
    try {
      const st = await stat(safeRel(this.location, rel));
      return st.isFile() ? st.size : undefined;
    } catch {
      return undefined;
    }
  }

  async read(rel: string, limit: number): Promise<Buffer> {
    const abs = safeRel(this.location, rel);
    let fh;
    try {
      fh = await open(abs, 'r');
    } catch (err) {
      throw new PortcullisError({ code: 'BLOB_MISSING', message: `"${rel}" is missing from "${this.location}"`, hint: 'The image layout is incomplete; copy the image again.', cause: err });
    }
    try {
      const { size } = await fh.stat();
      if (size > limit) throw new PortcullisError({ code: 'FILE_TOO_LARGE', message: `"${rel}" is ${size} bytes, over the ${limit}-byte limit`, hint: 'This does not look like image metadata; check the image.' });
      const b = Buffer.alloc(size);
      await fh.read(b, 0, size, 0);
      return b;
    } finally {
      await fh.close();
    }
  }

  stream(rel: string): Readable {
    return createReadStream(safeRel(this.location, rel), { highWaterMark: 1 << 20 });
  }
}

export class TarStore implements FileStore {
  private constructor(
    readonly location: string,
    private readonly index: TarIndex,
  ) {}

  static async open(file: string): Promise<TarStore> {
    return new TarStore(file, await TarIndex.open(file));
  }

  async exists(rel: string): Promise<boolean> {
    return this.index.has(rel);
  }

  async size(rel: string): Promise<number | undefined> {
    return this.index.sizeOf(rel);
  }

  read(rel: string, limit: number): Promise<Buffer> {
    return this.index.read(rel, limit);
  }

  stream(rel: string): Readable {
    return this.index.stream(rel);
  }
}

/** Opens a directory as a DirStore or a file as a TarStore. */
export async function openStore(path: string): Promise<FileStore> {
  let st;
  try {
    st = await stat(path);
  } catch (err) {
    throw new PortcullisError({ code: 'FILE_NOT_FOUND', message: `"${path}" does not exist`, hint: 'Check the path of the image.', cause: err });
  }
  return st.isDirectory() ? new DirStore(path) : TarStore.open(path);
}

export function blobPath(digest: string): string {
  const [alg, hex] = digest.split(':') as [string, string];
  return join('blobs', alg, hex);
}
