/**
 * CEL conditions of attestation rules (`@marcbachmann/cel-js`, as the custom config rules use):
 * parsed and type-checked once when policies load. Variables: `predicate` (the attestation's
 * predicate), `predicateType` (its URI), `subject` (the statement's subjects) and `now` (the
 * evaluation time, a timestamp), e.g.
 * `predicate.buildDefinition.buildType.startsWith("https://") && timestamp(predicate.metadata.scanFinishedOn) > now - duration("168h")`.
 */
import { Environment } from '@marcbachmann/cel-js';

export type CelProgram = (vars: { predicate: unknown; predicateType: string; subject: unknown; now: Date }) => unknown;

let env: Environment | undefined;

function environment(): Environment {
  return (env ??= new Environment({ unlistedVariablesAreDyn: false })
    .registerVariable('predicate', 'dyn')
    .registerVariable('predicateType', 'string')
    .registerVariable('subject', 'dyn')
    .registerVariable('now', 'google.protobuf.Timestamp'));
}

/** Compiles a condition: the program, or the first line of why it does not compile. */
export function compileCondition(expression: string): { program: CelProgram } | { error: string } {
  try {
    const parsed = environment().parse(expression);
    const checked = parsed.check();
    if (!checked.valid) return { error: String((checked.error as Error | undefined)?.message ?? 'type check failed').split('\n')[0]! };
    if (checked.type !== 'bool' && checked.type !== 'dyn') return { error: `the condition returns ${checked.type}, not bool` };
    return { program: (vars) => parsed(vars) };
  } catch (err) {
    return { error: String((err as Error)?.message ?? err).split('\n')[0]! };
  }
}
