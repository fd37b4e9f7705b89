/**
 * Whether a command's output gets ANSI colours: the one decision every command makes, for stdout
 * (reports) and stderr (errors, verification results) alike.
 *
 * 1. Output written to a file (`-o FILE`, also `-o -`): never.
 * 2. `NO_COLOR` set and not empty (https://no-color.org): never.
 * 3. `FORCE_COLOR`: `0` or `false` never; any other value (`1`, `true`, empty) always, even
 *    when the stream is a pipe.
 * 4. `TERM=dumb`: never.
 * 5. Otherwise: when the stream is a terminal.
 */
export { ANSI } from '../report/index.js';

export interface ColorOptions {
  /** The `-o/--output` value, when the command writes a file instead of the stream. */
  output?: string | undefined;
  env?: NodeJS.ProcessEnv;
}

export function useColor(stream: { isTTY?: boolean }, opts: ColorOptions = {}): boolean {
  const env = opts.env ?? process.env;
  if (opts.output) return false;
  if (env.NO_COLOR) return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (env.TERM === 'dumb') return false;
  return !!stream.isTTY;
}
