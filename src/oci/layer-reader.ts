/**
 * One streaming pass over a layer: decompress, verify the diffID, walk tar entries with paths
 * normalised and checked, recognise whiteouts, and hand wanted files' bytes to a visitor.
 * Nothing is written to disk.
 */
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { extract as tarExtract, type Header } from 'tar-stream';
import { isPortcullisError, PortcullisError } from '../core/index.js';
import { BombGuard, ByteCounter, createDecompressor, DEFAULT_LIMITS, peek, sniffCompression, type Limits } from './decompress.js';
import { VerifyingStream } from './digest.js';

export type EntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'other';

export interface EntryHeader {
  /** Root-relative path without leading slash or `./`. */
  path: string;
  type: EntryType;
  mode: number;
  size: number;
  uid: number;
  gid: number;
  linkname?: string;
}

export interface Want {
  /** Most bytes to buffer; a larger file is reported through `onTooLarge`. */
  limit: number;
  /** Optional check on the first bytes. */
  sniff?: (head: Buffer) => boolean;
}

export interface LayerVisitor {
  onEntry(h: EntryHeader): Want | undefined;
  onContent(h: EntryHeader, content: Buffer): void;
  onTooLarge(h: EntryHeader, limit: number): void;
  onWhiteout(path: string): void;
  onOpaque(dir: string): void;
}

export interface ReadLayerOptions {
  /** Expected diffID (sha256 of the uncompressed tar); verified unless empty. */
  diffId?: string;
  what: string;
  limits?: Partial<Limits>;
  /** Called with the number of stored (compressed) bytes consumed. */
  onBytes?: (n: number) => void;
}

function unsafe(what: string, path: string): PortcullisError {
  return new PortcullisError({
    code: 'UNSAFE_PATH',
    message: `${what} contains an entry with an unsafe path "${path}"`,
    hint: 'Layer entries must be relative paths inside the image; the layer is malformed or hostile.',
  });
}

/** Normalises a tar entry name; throws UNSAFE_PATH for absolute paths and `..` components. */
export function normaliseEntryPath(name: string, what: string): string {
  if (name.startsWith('/')) throw unsafe(what, name);
  const parts: string[] = [];
  for (const seg of name.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') throw unsafe(what, name);
    parts.push(seg);
  }
  return parts.join('/');
}

function entryType(t: Header['type']): EntryType {
  switch (t) {
    case 'file':
    case 'contiguous-file':
      return 'file';
    case 'directory':
      return 'dir';
    case 'symlink':
      return 'symlink';
    case 'link':
      return 'hardlink';
    default:
      return 'other';
  }
}

function mapError(err: unknown, what: string): unknown {
  if (isPortcullisError(err)) return err;
  const e = err as NodeJS.ErrnoException & { errno?: number };
  const msg = e?.message ?? String(err);
  if (e?.code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(msg)) {
    return new PortcullisError({ code: 'LAYER_TRUNCATED', message: `${what} is truncated (${msg})`, hint: 'The layer blob is incomplete; fetch or export the image again.', cause: err });
  }
  if (e?.code === 'Z_DATA_ERROR' || /incorrect header check|invalid .* (?:code|distance|block)/i.test(msg)) {
    return new PortcullisError({ code: 'LAYER_CORRUPT', message: `${what} has corrupt compressed data (${msg})`, hint: 'The layer blob is damaged; fetch or export the image again.', cause: err });
  }
  if (/Unexpected end of data/.test(msg)) {
    return new PortcullisError({ code: 'LAYER_TRUNCATED', message: `${what} is a truncated tar archive`, hint: 'The layer blob is incomplete; fetch or export the image again.', cause: err });
  }
  if (/Invalid tar header|Invalid header|Header exceeds/.test(msg)) {
    return new PortcullisError({ code: 'LAYER_CORRUPT', message: `${what} is not a valid tar archive (${msg})`, hint: 'The layer blob is damaged or not a layer; fetch or export the image again.', cause: err });
  }
  return err;
}

function swallowEntryError(): void {
  // The error is reported once, by the pipeline's rejection.
}

const WH_PREFIX = '.wh.';
const WH_OPAQUE = '.wh..wh..opq';

export async function readLayer(source: Readable, visitor: LayerVisitor, opts: ReadLayerOptions): Promise<void> {
  const limits: Limits = { ...DEFAULT_LIMITS, ...opts.limits };
  const what = opts.what;
  const counter = new ByteCounter(opts.onBytes);
  let head: Buffer;
  try {
    head = await peek(source, 4);
  } catch (err) {
    source.destroy();
    throw mapError(err, what);
  }
  const decompressor = createDecompressor(sniffCompression(head));
  const guard = new BombGuard(counter, limits, what);
  const extract = tarExtract();

  extract.on('entry', (header, stream, next) => {
    // When the layer fails mid-entry, tar-stream destroys the entry stream with the same error
    // that rejects the pipeline below; that rejection is where it is reported.
    stream.on('error', swallowEntryError);
    let h: EntryHeader;
    let want: Want | undefined;
    try {
      const path = normaliseEntryPath(header.name, what);
      const type = entryType(header.type);
      h = { path, type, mode: header.mode ?? 0, size: header.size ?? 0, uid: header.uid ?? 0, gid: header.gid ?? 0 };
      if (header.linkname) {
        h.linkname = type === 'hardlink' ? normaliseEntryPath(header.linkname, what) : header.linkname;
      }
      if (path === '') {
        stream.on('end', next);
        stream.resume();
        return;
      }
      const slash = path.lastIndexOf('/');
      const base = path.slice(slash + 1);
      if (base.startsWith(WH_PREFIX)) {
        const dir = slash >= 0 ? path.slice(0, slash) : '';
        if (base === WH_OPAQUE) visitor.onOpaque(dir);
        else visitor.onWhiteout((dir ? dir + '/' : '') + base.slice(WH_PREFIX.length));
        stream.on('end', next);
        stream.resume();
        return;
      }
      want = visitor.onEntry(h);
    } catch (err) {
      stream.resume();
      extract.destroy(err as Error);
      return;
    }
    if (!want || h.type !== 'file') {
      stream.on('end', next);
      stream.resume();
      return;
    }
    if (h.size > want.limit) {
      try {
        visitor.onTooLarge(h, want.limit);
      } catch (err) {
        extract.destroy(err as Error);
        return;
      }
      stream.on('end', next);
      stream.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let got = 0;
    let rejected = false;
    const sniff = want.sniff;
    stream.on('data', (chunk) => {
      const c = chunk as Buffer;
      if (rejected) return;
      if (chunks.length === 0 && sniff && !sniff(c)) {
        rejected = true;
        return;
      }
      chunks.push(c);
      got += c.length;
    });
    stream.on('end', () => {
      if (!rejected) {
        try {
          visitor.onContent(h, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, got));
        } catch (err) {
          extract.destroy(err as Error);
          return;
        }
      }
      next();
    });
  });

  const stages: NodeJS.ReadWriteStream[] = [counter, decompressor, guard];
  if (opts.diffId) stages.push(new VerifyingStream(opts.diffId, `${what} (diffID)`));
  try {
    await pipeline(source, ...(stages as [NodeJS.ReadWriteStream]), extract);
  } catch (err) {
    throw mapError(err, what);
  }
}
