/**
 * User rules for `scan config --custom-rules FILE|DIR`: YAML (or JSON) documents, one rule each,
 * with a CEL expression as Kubernetes ValidatingAdmissionPolicy writes them:
 *
 * ```yaml
 * id: max-replicas            # reported as custom/max-replicas
 * title: At most five replicas
 * severity: MEDIUM            # UNKNOWN, LOW, MEDIUM, HIGH, CRITICAL
 * match: {kinds: [Deployment, StatefulSet]}   # or [workload], or ["*"]
 * validation:
 *   expression: "object.spec.replicas <= 5"  # true passes
 *   message: Too many replicas
 * failurePolicy: Fail         # an evaluation error is a finding (default), or Ignore
 * remediation: …  rationale: …  links: [...]
 * compliance: [cis-k8s:5.7.3]  # optional: controls the rule assesses
 * ```
 *
 * Variables: `object` (the manifest), `podSpec` (the pod spec of workloads, else null),
 * `namespaceObject` (the Namespace object from the input, else null). Every expression is parsed
 * and type-checked when the rules load; a rule that does not compile is an error naming the file
 * and the rule, before anything is scanned.
 *
 * CEL library: `@marcbachmann/cel-js` — maintained, zero dependencies, ESM with types, runs on
 * Node 20, and type-checks expressions against declared variables (unknown functions and
 * variables fail at load time, as in the API server).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Environment } from '@marcbachmann/cel-js';
import { parseAllDocuments } from 'yaml';
import { PortcullisError, isSeverity, SEVERITIES, isRecord } from '../../core/index.js';
import type { RuleDef } from '../rule.js';

export interface CustomRule extends RuleDef {
  file: string;
  expression: string;
  message: string;
  failurePolicy: 'Fail' | 'Ignore';
  /** `framework:control` pairs this rule assesses (`cis-k8s:5.7.3`). */
  compliance: readonly string[];
  evaluate: (vars: Record<string, unknown>) => unknown;
}

const MAX_RULE_FILE_BYTES = 1 << 20;

function celEnvironment(): Environment {
  return new Environment({ unlistedVariablesAreDyn: false }).registerVariable('object', 'dyn').registerVariable('podSpec', 'dyn').registerVariable('namespaceObject', 'dyn');
}

function invalid(file: string, rule: string | undefined, message: string, cause?: unknown): PortcullisError {
  return new PortcullisError({
    code: 'RULE_INVALID',
    message: `Custom rule ${rule ? `"${rule}" ` : ''}in ${file}: ${message}`,
    hint: 'Each document needs id, severity, match.kinds and validation.expression (a CEL expression returning bool).',
    ...(cause !== undefined ? { cause } : {}),
  });
}

function firstLine(err: unknown): string {
  return String((err as Error)?.message ?? err).split('\n')[0]!;
}

/** Parses and compiles the rule documents of one file. */
export function parseCustomRules(text: string, file: string, env: Environment = celEnvironment()): CustomRule[] {
  const out: CustomRule[] = [];
  const docs = parseAllDocuments(text, { prettyErrors: false });
  for (const doc of Array.isArray(docs) ? docs : []) {
    if (doc.errors.length) throw invalid(file, undefined, `invalid YAML: ${firstLine(doc.errors[0])}`);
    const d: unknown = doc.toJS({ maxAliasCount: 100 });
    if (d === null || d === undefined) continue;
    if (!isRecord(d)) throw invalid(file, undefined, 'a document is not a mapping');
    const rawId = typeof d.id === 'string' ? d.id.trim() : '';
    if (!/^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(rawId)) throw invalid(file, rawId || undefined, 'id must be a non-empty name of letters, digits, ".", "_", "-" and "/"');
    const id = rawId.startsWith('custom/') ? rawId : `custom/${rawId}`;
    const severity = typeof d.severity === 'string' ? d.severity.toUpperCase() : 'MEDIUM';
    if (!isSeverity(severity)) throw invalid(file, id, `severity "${String(d.severity)}" is not one of ${SEVERITIES.join(', ')}`);
    const match = isRecord(d.match) ? d.match : {};
    const kinds = Array.isArray(match.kinds) ? match.kinds.map(String) : ['*'];
    if (kinds.length === 0) throw invalid(file, id, 'match.kinds is empty');
    const validation = isRecord(d.validation) ? d.validation : undefined;
    if (!validation || typeof validation.expression !== 'string' || validation.expression.trim() === '') throw invalid(file, id, 'validation.expression is missing');
    const expression = validation.expression;
    let evaluate: CustomRule['evaluate'];
    try {
      const parsed = env.parse(expression);
      const checked = parsed.check();
      if (!checked.valid) throw checked.error ?? new Error('type check failed');
      if (checked.type !== 'bool' && checked.type !== 'dyn') throw new Error(`expression returns ${checked.type}, not bool`);
      evaluate = (vars) => parsed(vars);
    } catch (err) {
      throw invalid(file, id, `expression ${JSON.stringify(expression)} does not compile: ${firstLine(err)}`, err);
    }
    const failurePolicy = d.failurePolicy === 'Ignore' ? 'Ignore' : 'Fail';
    if (d.failurePolicy !== undefined && d.failurePolicy !== 'Ignore' && d.failurePolicy !== 'Fail') throw invalid(file, id, 'failurePolicy must be Fail or Ignore');
    if (out.some((r) => r.id === id)) throw invalid(file, id, 'the id is used twice');
    out.push({
      id,
      title: typeof d.title === 'string' ? d.title : id,
      severity,
      rationale: typeof d.rationale === 'string' ? d.rationale : '',
      remediation: typeof d.remediation === 'string' ? d.remediation : typeof validation.message === 'string' ? validation.message : '',
      links: Array.isArray(d.links) ? d.links.map(String) : [],
      kinds,
      file,
      expression,
      message: typeof validation.message === 'string' ? validation.message : `failed expression: ${expression}`,
      failurePolicy,
      compliance: Array.isArray(d.compliance) ? d.compliance.map(String) : [],
      evaluate,
    });
  }
  return out;
}

/** Loads a rule file, or every .yaml/.yml/.json file of a directory (sorted, not recursive into hidden dirs). */
export function loadCustomRules(path: string): CustomRule[] {
  let st;
  try {
    st = statSync(path);
  } catch (err) {
    throw new PortcullisError({ code: 'FILE_NOT_FOUND', message: `Cannot find custom rules "${path}"`, hint: 'Pass a rule file or a directory of .yaml files to --custom-rules.', cause: err });
  }
  const files = st.isDirectory()
    ? readdirSync(path, { withFileTypes: true, recursive: true })
        .filter((e) => e.isFile() && /\.(ya?ml|json)$/i.test(e.name) && !join(e.parentPath, e.name).slice(path.length).split(/[\\/]/).some((s) => s.startsWith('.')))
        .map((e) => join(e.parentPath, e.name))
        .sort()
    : [path];
  const env = celEnvironment();
  const rules: CustomRule[] = [];
  for (const f of files) {
    if (statSync(f).size > MAX_RULE_FILE_BYTES) throw invalid(f, undefined, `file is larger than ${MAX_RULE_FILE_BYTES} bytes`);
    for (const r of parseCustomRules(readFileSync(f, 'utf8'), f, env)) {
      const dup = rules.find((x) => x.id === r.id);
      if (dup) throw invalid(f, r.id, `the id is also defined in ${dup.file}`);
      rules.push(r);
    }
  }
  if (rules.length === 0) throw new PortcullisError({ code: 'RULE_INVALID', message: `No custom rules found in "${path}"`, hint: 'Rule files are .yaml, .yml or .json documents with id, severity, match and validation.' });
  return rules;
}
