/**
 * Capped reads of response bodies (and of any byte stream): a peer cannot make us buffer more
 * than the caller allows. Errors of the stream (a reset, a body timeout) keep their codes.
 */
import { PortcullisError } from '../core/index.js';
import { networkError } from './errors.js';

export interface CapOptions {
  /** Most bytes accepted. */
  max: number;
  /** Names the content in the error, e.g. "Manifest app:1". Default "The response". */
  what?: string;
  /** Names the peer when the stream fails, e.g. "registry ghcr.io". */
  peer?: string;
}

type ByteStream = AsyncIterable<Uint8Array | string> & { destroy?: (err?: Error) => unknown };

/** Reads `stream` whole into one buffer; FILE_TOO_LARGE (and the stream destroyed) past `max` bytes. */
export async function readCapped(stream: ByteStream, cap: number | CapOptions): Promise<Buffer> {
  const { max, what = 'The response', peer = 'the server' } = typeof cap === 'number' ? { max: cap } : cap;
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const c of stream) {
      const buf = typeof c === 'string' ? Buffer.from(c) : Buffer.isBuffer(c) ? c : Buffer.from(c.buffer, c.byteOffset, c.byteLength);
      size += buf.length;
      if (size > max) {
        const err = new PortcullisError({ code: 'FILE_TOO_LARGE', message: `${what} is larger than ${max} bytes`, hint: 'The peer sent far more than such content can be; it is not read further.' });
        stream.destroy?.(err);
        throw err;
      }
      chunks.push(buf);
    }
  } catch (err) {
    throw networkError(err, peer);
  }
  return Buffer.concat(chunks);
}
