/**
 * Vitest matchers that identify an error by its stable code (`src/core/errors.ts`), never by its
 * wording, at each edge where a code travels:
 *
 * - `expect(() => f()).toThrowCode('CODE')`, `await expect(p).rejects.toThrowCode('CODE')`: the
 *   thrown value carries `code`;
 * - `expect(run).toFailWith('CODE')`: a CLI run printed `error [CODE]: …` on stderr and exited with
 *   the status for that code (2 for usage/input errors, 3 for INTERNAL, or `status`); with
 *   `naming`, one such error (a `--batch` run prints several) names every token;
 * - `expect(reply).toBeApiError('CODE', { http: 400 })`: an HTTP reply is a Google API error body
 *   with that status (and `rpc` status name, if given) whose `google.rpc.ErrorInfo` detail has
 *   `reason: CODE`.
 *
 * `naming` lists tokens (a flag, field, file or object name) that must appear in the error's
 * message (or, on the CLI, its hint line): for generic codes such as USAGE, where the point of a
 * test is which input was refused. Registered for every test file through `setupFiles` in
 * vitest.config.ts, so test files need no import.
 */
import { expect } from 'vitest';
import type { ErrorCode } from '../../src/core/errors.js';

/** One token or several that the error's text must contain. */
export type Naming = string | readonly string[];

export interface CliFailure {
  /** Expected exit status; by default 2, or 3 for INTERNAL. */
  status?: number;
  naming?: Naming;
}

export interface ApiFailure {
  /** Expected HTTP status, also the body's `error.code`. */
  http: number;
  /** Expected google.rpc status name (`error.status`), e.g. INVALID_ARGUMENT. */
  rpc?: string;
  naming?: Naming;
}

interface CustomMatchers {
  toThrowCode(code: ErrorCode, naming?: Naming): void;
  toFailWith(code: ErrorCode, opts?: CliFailure): void;
  toBeApiError(code: ErrorCode, opts: ApiFailure): void;
}

declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any, @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unused-vars
  interface Matchers<T = any> extends CustomMatchers {}
}

interface Outcome {
  pass: boolean;
  message: () => string;
}

const tokens = (naming: Naming | undefined): readonly string[] => (naming === undefined ? [] : typeof naming === 'string' ? [naming] : naming);

const missing = (text: string, naming: Naming | undefined): string[] => tokens(naming).filter((t) => !text.includes(t));

/** Checks a list of named facts; passes when none is wrong, and says which are. */
function judge(isNot: boolean, what: string, wrong: string[], seen: string): Outcome {
  return {
    pass: wrong.length === 0,
    message: () => (isNot ? `expected not ${what}, but it was\n${seen}` : `expected ${what}, but ${wrong.join('; ')}\n${seen}`),
  };
}

function describeThrown(err: unknown): string {
  if (err instanceof Error) return `thrown: ${err.name} code=${String((err as { code?: unknown }).code)}: ${err.message}`;
  return `thrown: ${String(err)}`;
}

export function toThrowCode(this: { isNot: boolean }, received: unknown, code: ErrorCode, naming?: Naming): Outcome {
  let err: unknown = received;
  if (typeof received === 'function') {
    let threw = false;
    try {
      const value: unknown = (received as () => unknown)();
      if (value instanceof Promise) {
        value.catch(() => undefined);
        return { pass: false, message: () => 'the function returned a promise: use `await expect(promise).rejects.toThrowCode(…)`' };
      }
    } catch (e) {
      threw = true;
      err = e;
    }
    if (!threw) return { pass: false, message: () => `expected a throw with code ${code}, but nothing was thrown` };
  }
  const got = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  const text = err instanceof Error ? err.message : '';
  const wrong = [...(got === code ? [] : [`its code is ${String(got)}`]), ...missing(text, naming).map((t) => `its message does not name ${JSON.stringify(t)}`)];
  return judge(this.isNot, `an error with code ${code}${tokens(naming).length ? ` naming ${tokens(naming).join(', ')}` : ''}`, wrong, describeThrown(err));
}

/** Each `error [CODE]: …` line of a CLI run, with the `hint:` line after it, if any. */
function errorTexts(stderr: string, code: ErrorCode): string[] {
  const lines = stderr.split('\n');
  const out: string[] = [];
  lines.forEach((l, i) => {
    if (l.startsWith(`error [${code}]: `)) out.push(lines[i + 1]?.startsWith('hint: ') ? `${l}\n${lines[i + 1]}` : l);
  });
  return out;
}

export function toFailWith(this: { isNot: boolean }, received: unknown, code: ErrorCode, opts: CliFailure = {}): Outcome {
  const run = received as { status?: unknown; stderr?: unknown };
  const stderr = typeof run?.stderr === 'string' ? run.stderr : '';
  const status = opts.status ?? (code === 'INTERNAL' ? 3 : 2);
  const texts = errorTexts(stderr, code);
  const named = texts.some((t) => missing(t, opts.naming).length === 0);
  const wrong = [
    ...(run?.status === status ? [] : [`it exited with ${String(run?.status)}, not ${status}`]),
    ...(texts.length === 0
      ? [`stderr has no line starting "error [${code}]: "`]
      : named
        ? []
        : [`no error [${code}] names all of ${tokens(opts.naming).map((t) => JSON.stringify(t)).join(', ')}`]),
  ];
  return judge(this.isNot, `a CLI failure [${code}] with exit status ${status}`, wrong, `stderr:\n${stderr}`);
}

export function toBeApiError(this: { isNot: boolean }, received: unknown, code: ErrorCode, opts: ApiFailure): Outcome {
  const reply = received as { status?: unknown; json?: { error?: { code?: unknown; status?: unknown; message?: unknown; details?: unknown } } };
  const error = reply?.json?.error;
  const details = Array.isArray(error?.details) ? (error.details as { reason?: unknown; domain?: unknown }[]) : [];
  const reasons = details.filter((d) => d?.domain === 'portcullis').map((d) => d.reason);
  const message = typeof error?.message === 'string' ? error.message : '';
  const wrong = [
    ...(reply?.status === opts.http ? [] : [`its HTTP status is ${String(reply?.status)}`]),
    ...(error?.code === opts.http ? [] : [`its error.code is ${String(error?.code)}`]),
    ...(opts.rpc === undefined || error?.status === opts.rpc ? [] : [`its error.status is ${String(error?.status)}`]),
    ...(reasons.includes(code) ? [] : [`its ErrorInfo reasons are [${reasons.join(', ')}]`]),
    ...missing(message, opts.naming).map((t) => `its message does not name ${JSON.stringify(t)}`),
  ];
  return judge(this.isNot, `an API error ${opts.http} with reason ${code}`, wrong, `body: ${JSON.stringify(reply?.json)}`);
}

expect.extend({ toThrowCode, toFailWith, toBeApiError });
