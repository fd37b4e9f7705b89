/** Writing command output to stdout or a file (atomically), and reporting errors. */
import { statSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { exitCodeFor, isPortcullisError, PortcullisError } from '../core/index.js';
import { ANSI, useColor } from './color.js';

/**
 * Whether `file` must be written in place rather than through a temporary file renamed over it:
 * a device, FIFO or socket (`-o /dev/null`, `-o /dev/stdout`, a named pipe) — renaming over one
 * would replace it with a regular file.
 */
export function writesInPlace(file: string): boolean {
  try {
    const st = statSync(file);
    return !st.isFile() && !st.isDirectory();
  } catch {
    return false;
  }
}

/** Writes command output to stdout (no file or `-`) or to a file, atomically. */
export function writeOutput(text: string, file: string | undefined): Promise<void> {
  return writeOutputChunks([text], file);
}

/** Writes a rendered report (one string, or the pieces of one) to stdout or a file. */
export function writeReport(rendered: string | Iterable<string>, file: string | undefined): Promise<void> {
  return writeOutputChunks(typeof rendered === 'string' ? [rendered] : rendered, file);
}

/**
 * Writes a report, possibly in pieces (a large JSON report is never one string): to stdout, or
 * to a file atomically (a temporary file renamed over it; devices and pipes are written in
 * place), each piece written while the next is rendered.
 */
export async function writeOutputChunks(chunks: Iterable<string>, file: string | undefined): Promise<void> {
  if (!file || file === '-') {
    for (const c of chunks) await new Promise<void>((resolve, reject) => process.stdout.write(c, (err) => (err ? reject(err) : resolve())));
    return;
  }
  const inPlace = writesInPlace(file);
  const tmp = inPlace ? file : `${file}.${process.pid}.tmp`;
  let fh: Awaited<ReturnType<typeof open>> | undefined;
  try {
    fh = await open(tmp, 'w');
    let position = 0;
    let pending: Promise<unknown> | undefined;
    for (const c of chunks) {
      const b = Buffer.from(c);
      if (inPlace) {
        // A device or pipe: no positioned writes, one after another.
        await fh.write(b, 0, b.length, null);
        continue;
      }
      const write = fh.write(b, 0, b.length, position);
      write.catch(() => undefined); // awaited below; a failure must not go unhandled meanwhile
      position += b.length;
      await pending;
      pending = write;
    }
    await pending;
    await fh.close();
    fh = undefined;
    if (!inPlace) await rename(tmp, file);
  } catch (err) {
    await fh?.close().catch(() => undefined);
    if (!inPlace) await unlink(tmp).catch(() => undefined);
    throw new PortcullisError({ code: 'OUTPUT_FAILED', message: `Cannot write "${file}": ${(err as NodeJS.ErrnoException).code ?? String(err)}`, hint: 'Check that the directory exists and is writable.', cause: err });
  }
}

/** Prints an error as `error [CODE]: message` plus a hint, and returns the exit status. */
export function reportError(err: unknown, stream: NodeJS.WriteStream = process.stderr): number {
  const color = useColor(stream);
  const red = color ? ANSI.red : (s: string) => s;
  const dim = color ? ANSI.dim : (s: string) => s;
  if (isPortcullisError(err)) {
    stream.write(`${red('error')} [${err.code}]: ${err.message}\n`);
    if (err.hint) stream.write(`${dim('hint:')} ${err.hint}\n`);
    if (process.env.PORTCULLIS_DEBUG && err.cause) stream.write(`${String((err.cause as Error)?.stack ?? err.cause)}\n`);
  } else {
    stream.write(`${red('error')} [INTERNAL]: ${(err as Error)?.message ?? String(err)}\n`);
    stream.write(`${dim('hint:')} This is a bug in portcullis; please report it with the command you ran (set PORTCULLIS_DEBUG=1 for a stack trace).\n`);
    if (process.env.PORTCULLIS_DEBUG) stream.write(`${(err as Error)?.stack ?? ''}\n`);
  }
  return exitCodeFor(err);
}
