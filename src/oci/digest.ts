/**
 * Digest verification for streams and buffers: every blob read is checked against its digest.
 */
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { PortcullisError } from '../core/index.js';

export function algorithmOf(digest: string): 'sha256' | 'sha512' {
  const alg = digest.split(':', 1)[0];
  if (alg === 'sha256' || alg === 'sha512') return alg;
  throw new PortcullisError({ code: 'DIGEST_INVALID', message: `Unsupported digest algorithm in "${digest}"`, hint: 'Only sha256 and sha512 digests are supported.' });
}

export function digestOf(buf: Buffer, alg: 'sha256' | 'sha512' = 'sha256'): string {
  return `${alg}:${createHash(alg).update(buf).digest('hex')}`;
}

export function mismatch(what: string, expected: string, actual: string): PortcullisError {
  return new PortcullisError({
    code: 'DIGEST_MISMATCH',
    message: `Digest mismatch for ${what}: expected ${expected}, got ${actual}`,
    hint: 'The content is corrupt or was tampered with; fetch or export the image again.',
  });
}

/** Throws DIGEST_MISMATCH unless `buf` hashes to `expected`. */
export function verifyBuffer(buf: Buffer, expected: string, what: string): void {
  const actual = digestOf(buf, algorithmOf(expected));
  if (actual !== expected) throw mismatch(what, expected, actual);
}

/**
 * A pass-through stream that hashes what flows through it and fails at the end when the digest
 * (and size, when given) do not match.
 */
export class VerifyingStream extends Transform {
  private readonly hash: Hash;
  private bytes = 0;

  constructor(
    private readonly expected: string,
    private readonly what: string,
    private readonly expectedSize?: number,
  ) {
    super({ highWaterMark: 1 << 20 });
    this.hash = createHash(algorithmOf(expected));
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.expectedSize !== undefined && this.bytes > this.expectedSize) {
      cb(new PortcullisError({
        code: 'DIGEST_MISMATCH',
        message: `Size mismatch for ${this.what}: more than the ${this.expectedSize} bytes its descriptor declares`,
        hint: 'The content is corrupt or was tampered with; fetch or export the image again.',
      }));
      return;
    }
    this.hash.update(chunk);
    cb(null, chunk);
  }

  override _flush(cb: TransformCallback): void {
    const actual = `${algorithmOf(this.expected)}:${this.hash.digest('hex')}`;
    if (actual !== this.expected) {
      cb(mismatch(this.what, this.expected, actual));
      return;
    }
    cb();
  }
}
