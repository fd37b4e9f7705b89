/** Lint findings about policy files: where (file:line:column), what, and how to fix it. */

export const DIAGNOSTIC_RULES = [
  'yaml',
  'not-a-policy',
  'unknown-field',
  'invalid-value',
  'bad-glob',
  'bad-cel',
  'bad-regex',
  'bad-version',
  'expired-exemption',
  'expired-allow',
  'unknown-authority',
  'key-unreadable',
  'missing-namespace',
  'duplicate-policy',
  'no-match-conflict',
  'no-match-unset',
  'ineffective',
] as const;
export type DiagnosticRule = (typeof DIAGNOSTIC_RULES)[number];

export interface Diagnostic {
  file: string;
  line: number;
  column: number;
  severity: 'error' | 'warning';
  rule: DiagnosticRule;
  message: string;
  hint: string;
}

/** `file:line:column: error [rule]: message` and the hint on the next line. */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column}: ${d.severity} [${d.rule}]: ${d.message}\n  hint: ${d.hint}`;
}

export function hasErrors(ds: readonly Diagnostic[]): boolean {
  return ds.some((d) => d.severity === 'error');
}
