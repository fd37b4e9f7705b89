/**
 * Image configuration findings in the shape of every configuration finding: the file is the image
 * reference, the field the config key or the path inside the image (an image has no lines; line
 * and column are 1).
 */
import type { ConfigScanResult } from '../types.js';
import { IMAGE_RULES, type ImageInput } from './rules.js';
import type { ConfigFinding } from '../../core/index.js';

export function imageFindings(img: ImageInput): ConfigFinding[] {
  const out: ConfigFinding[] = [];
  for (const rule of IMAGE_RULES) {
    for (const h of rule.check(img)) {
      out.push({
        ruleId: rule.id,
        ruleSet: 'image',
        title: rule.title,
        severity: rule.severity,
        message: h.message,
        object: { apiVersion: '', kind: 'Image', name: img.reference },
        file: img.reference,
        line: 1,
        column: 1,
        field: h.field,
        remediation: rule.remediation,
        links: [...rule.links],
        ...(h.properties ? { properties: { ...h.properties } } : {}),
      });
    }
  }
  return out;
}

/** The image rules over an analysed target (`analyseTarget()`), as a configuration scan result. */
export function scanImageConfig(target: {
  result: { artifact: { reference: string; config?: ImageInput['config'] } };
  view: { entries: ImageInput['entries'] };
  history?: ImageInput['history'];
}): ConfigScanResult {
  const findings = imageFindings({ reference: target.result.artifact.reference, config: target.result.artifact.config ?? {}, history: target.history ?? [], entries: target.view.entries });
  return { findings, unknowns: [], notes: [], stats: { files: 1, objects: 1, workloads: 0 } };
}
