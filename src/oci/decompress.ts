/**
 * Layer decompression chosen by sniffing magic bytes (gzip, zstd, plain tar), with size and
 * ratio caps that stop decompression bombs.
 */
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { Decompress as ZstdDecompress } from 'fzstd';
import { PortcullisError } from '../core/index.js';

export type Compression = 'gzip' | 'zstd' | 'none';

export function sniffCompression(head: Buffer): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  return 'none';
}

/** Resolves with up to the first `n` bytes of a stream, leaving them in it. */
export function peek(stream: Readable, n: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let got: Buffer[] = [];
    let len = 0;
    const cleanup = () => {
      stream.off('readable', onReadable);
      stream.off('end', onEnd);
      stream.off('error', onError);
    };
    const finish = () => {
      cleanup();
      const all = Buffer.concat(got);
      if (all.length > 0) stream.unshift(all);
      resolve(all.subarray(0, n));
    };
    const onReadable = () => {
      let chunk: Buffer | null;
      while ((chunk = stream.read() as Buffer | null) !== null) {
        got.push(chunk);
        len += chunk.length;
        if (len >= n) return finish();
      }
    };
    const onEnd = () => finish();
    const onError = (e: Error) => {
      cleanup();
      got = [];
      reject(e);
    };
    stream.on('readable', onReadable);
    stream.once('end', onEnd);
    stream.once('error', onError);
  });
}

class ZstdStream extends Transform {
  private readonly d: ZstdDecompress;
  constructor() {
    super({ highWaterMark: 1 << 20 });
    this.d = new ZstdDecompress((chunk) => {
      this.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    });
  }
  override _transform(chunk: Buffer, _e: BufferEncoding, cb: TransformCallback): void {
    try {
      this.d.push(chunk);
      cb();
    } catch (err) {
      cb(new PortcullisError({ code: 'LAYER_CORRUPT', message: `Corrupt zstd data: ${(err as Error).message}`, hint: 'The layer blob is damaged; fetch or export the image again.' }));
    }
  }
  override _flush(cb: TransformCallback): void {
    try {
      this.d.push(new Uint8Array(0), true);
      cb();
    } catch (err) {
      cb(new PortcullisError({ code: 'LAYER_TRUNCATED', message: `Truncated zstd data: ${(err as Error).message}`, hint: 'The layer blob is incomplete; fetch or export the image again.' }));
    }
  }
}

export function createDecompressor(kind: Compression): Transform {
  if (kind === 'gzip') return createGunzip({ chunkSize: 1 << 20 });
  if (kind === 'zstd') return new ZstdStream();
  return new Transform({
    highWaterMark: 1 << 20,
    transform(chunk, _e, cb) {
      cb(null, chunk);
    },
  });
}

export interface Limits {
  /** Largest uncompressed layer accepted. */
  maxLayerBytes: number;
  /** Largest expansion ratio accepted once more than `ratioFloorBytes` came out. */
  maxRatio: number;
  ratioFloorBytes: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxLayerBytes: 64 * 1024 ** 3,
  maxRatio: 500,
  ratioFloorBytes: 256 * 1024 ** 2,
};

/** Counts bytes going in (compressed). */
export class ByteCounter extends Transform {
  bytes = 0;
  constructor(private readonly onBytes?: (n: number) => void) {
    super({ highWaterMark: 1 << 20 });
  }
  override _transform(chunk: Buffer, _e: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    this.onBytes?.(chunk.length);
    cb(null, chunk);
  }
}

/** Fails when decompressed output exceeds the limits relative to the compressed input. */
export class BombGuard extends Transform {
  out = 0;
  constructor(
    private readonly input: ByteCounter,
    private readonly limits: Limits,
    private readonly what: string,
  ) {
    super({ highWaterMark: 1 << 20 });
  }
  override _transform(chunk: Buffer, _e: BufferEncoding, cb: TransformCallback): void {
    this.out += chunk.length;
    if (this.out > this.limits.maxLayerBytes) {
      cb(new PortcullisError({
        code: 'DECOMPRESSION_BOMB',
        message: `${this.what} expands to more than ${this.limits.maxLayerBytes} bytes`,
        hint: 'Refusing to read further; if the image is genuine, raise the limit with --max-layer-size.',
      }));
      return;
    }
    if (this.out > this.limits.ratioFloorBytes && this.out > this.input.bytes * this.limits.maxRatio) {
      cb(new PortcullisError({
        code: 'DECOMPRESSION_BOMB',
        message: `${this.what} expands more than ${this.limits.maxRatio}x (${this.input.bytes} bytes in, ${this.out} out): a decompression bomb`,
        hint: 'Refusing to read further; if the image is genuine, raise --max-ratio.',
      }));
      return;
    }
    cb(null, chunk);
  }
}
