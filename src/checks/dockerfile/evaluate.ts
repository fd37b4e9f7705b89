/** The `dockerfile` rule set: every Dockerfile of the input parsed once, every rule run on it. */
import { basename } from 'node:path';
import type { ConfigUnknown } from '../types.js';
import { parseDockerfile } from './parse.js';
import { DOCKERFILE_RULES, stagesOf } from './rules.js';
import type { ConfigFinding } from '../../core/index.js';

export interface DockerfileInput {
  file: string;
  text: string;
}

export function dockerfileFindings(inputs: readonly DockerfileInput[]): { findings: ConfigFinding[]; notes: string[]; unknowns: ConfigUnknown[] } {
  const findings: ConfigFinding[] = [];
  const notes: string[] = [];
  for (const { file, text } of inputs) {
    const df = parseDockerfile(text);
    for (const w of df.warnings) notes.push(`${file}:${w.line}: ${w.message}`);
    const stages = stagesOf(df);
    for (const rule of DOCKERFILE_RULES) {
      for (const h of rule.check(df, stages)) {
        const stage = h.stage ?? stages.find((st) => st.from === h.inst || st.instructions.includes(h.inst));
        const stageName = stage ? (stage.name ?? `stage ${stage.index}`) : undefined;
        findings.push({
          ruleId: rule.id,
          ruleSet: 'dockerfile',
          title: rule.title,
          severity: h.severity ?? rule.severity,
          message: h.message,
          object: { apiVersion: '', kind: 'Dockerfile', name: basename(file) },
          file,
          line: h.inst.line,
          column: h.column ?? h.inst.column,
          field: h.inst.keyword,
          remediation: rule.remediation,
          links: [...rule.links],
          properties: { instruction: h.inst.keyword, ...(stageName ? { stage: stageName } : {}), ...(h.inst.endLine !== h.inst.line ? { endLine: h.inst.endLine } : {}) },
        });
      }
    }
  }
  return { findings, notes, unknowns: [] };
}
