/**
 * `--exit-code N`: the exit status a command ends with when it reports something (findings,
 * secrets, unreadable inputs, a regression). One parser and one rule for every command that has
 * the flag; 0 (the default) means reporting something never changes the status.
 */
import { PortcullisError } from '../core/index.js';

/** Parses the `--exit-code` value: an integer from 0 to 255; `USAGE` otherwise. */
export function parseExitCode(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 255)
    throw new PortcullisError({ code: 'USAGE', message: `Invalid --exit-code "${raw}"`, hint: 'Use an integer from 0 to 255.' });
  return n;
}

/** The exit status after a report: `exitCode` when something was reported (`failed`), else 0. */
export function exitStatusFor(opts: { failed: boolean; exitCode: number }): number {
  return opts.failed ? opts.exitCode : 0;
}
