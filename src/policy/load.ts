/**
 * Loading a policy set: parse (schema) → lint (semantics) → compile (keys, roots, CEL). Any
 * error-level diagnostic refuses the whole set with POLICY_INVALID, carrying the diagnostics, so
 * a webhook never starts on half a policy.
 */
import { PortcullisError } from '../core/index.js';
import { compilePolicies, type CompileOptions, type PolicySet } from './compile.js';
import { formatDiagnostic, hasErrors, type Diagnostic } from './diagnostics.js';
import { lintPolicies } from './lint.js';
import { parsePolicyFiles, parsePolicyText, type ParseResult } from './parse.js';

export class PolicyInvalidError extends PortcullisError {
  readonly diagnostics: readonly Diagnostic[];
  constructor(diagnostics: readonly Diagnostic[]) {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    super({
      code: 'POLICY_INVALID',
      message: `${errors.length} error${errors.length === 1 ? '' : 's'} in the policies:\n${errors.map(formatDiagnostic).join('\n')}`,
      hint: 'Run `portcullis policy lint` on the files for every problem with its line.',
    });
    this.diagnostics = diagnostics;
  }
}

export interface LoadPoliciesOptions extends CompileOptions {
  now?: Date;
}

export interface LoadedPolicies {
  set: PolicySet;
  /** Warnings (errors are thrown). */
  diagnostics: Diagnostic[];
}

function finish(parsed: ParseResult, opts: LoadPoliciesOptions): LoadedPolicies {
  const diagnostics = [...parsed.diagnostics, ...lintPolicies(parsed.policies, opts.now ? { now: opts.now } : {})];
  if (hasErrors(diagnostics)) throw new PolicyInvalidError(diagnostics);
  const compiled = compilePolicies(parsed.policies, opts);
  diagnostics.push(...compiled.diagnostics);
  if (hasErrors(diagnostics)) throw new PolicyInvalidError(diagnostics);
  return { set: compiled.set, diagnostics };
}

/** Loads policies from files and directories. */
export async function loadPolicies(targets: readonly string[], opts: LoadPoliciesOptions = {}): Promise<LoadedPolicies> {
  return finish(await parsePolicyFiles(targets), opts);
}

/** Loads policies from text (one file's content). */
export function loadPolicyText(text: string, file: string, opts: LoadPoliciesOptions = {}): LoadedPolicies {
  return finish(parsePolicyText(text, file), opts);
}

/**
 * Every diagnostic of the files, for `policy lint`: schema, semantics and (unless `checkKeys` is
 * false) whether the key files and trusted roots load.
 */
export async function lintPolicyFiles(targets: readonly string[], opts: LoadPoliciesOptions & { checkKeys?: boolean } = {}): Promise<Diagnostic[]> {
  const parsed = await parsePolicyFiles(targets);
  const out = [...parsed.diagnostics, ...lintPolicies(parsed.policies, opts.now ? { now: opts.now } : {})];
  if (opts.checkKeys !== false && !hasErrors(out)) out.push(...compilePolicies(parsed.policies, opts).diagnostics);
  return out.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column));
}
