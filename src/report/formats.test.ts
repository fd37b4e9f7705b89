/** Contract test over the format registry: every entry renders every fixture, JSON is parseable. */
import { describe, expect, it } from 'vitest';
import { golden, RESULTS, WRITER_OPTS } from '../sbom/testdata/results.js';
import {
  checkCycloneDxReferences,
  checkSpdxReferences,
  validateCycloneDx,
  validateSpdx,
} from '../sbom/validate.js';
import { isSbomFormatId, SBOM_FORMAT_IDS, SBOM_FORMATS, type SbomFormatId } from './formats.js';
import { validateJsonReport } from './validate.js';

const GOLDEN: Record<SbomFormatId, string> = {
  cyclonedx: 'cdx.json',
  'spdx-json': 'spdx.json',
  json: 'report.json',
  table: 'table.txt',
};
const VALIDATE: Record<SbomFormatId, ((doc: unknown) => string[]) | undefined> = {
  cyclonedx: (d) => [...validateCycloneDx(d).errors, ...checkCycloneDxReferences(d)],
  'spdx-json': (d) => [...validateSpdx(d).errors, ...checkSpdxReferences(d)],
  json: (d) => validateJsonReport(d).errors,
  table: undefined,
};

describe('SBOM_FORMATS', () => {
  it('lists exactly the four formats, each under its own id', () => {
    expect(SBOM_FORMAT_IDS).toEqual(['table', 'json', 'cyclonedx', 'spdx-json']);
    for (const [key, f] of Object.entries(SBOM_FORMATS)) {
      expect(f.id).toBe(key);
      expect(f.description).not.toBe('');
    }
    expect(isSbomFormatId('spdx-json')).toBe(true);
    expect(isSbomFormatId('toString')).toBe(false);
  });

  const cases = SBOM_FORMAT_IDS.flatMap((id) =>
    (Object.keys(RESULTS) as (keyof typeof RESULTS)[]).map((name) => [id, name] as const),
  );
  it.each(cases)('%s of %s renders its golden file, valid against its schema', (id, name) => {
    const text = SBOM_FORMATS[id].render(RESULTS[name], { ...WRITER_OPTS, color: false });
    expect(text.endsWith('\n')).toBe(true);
    expect(text).toBe(golden(`${name}.${GOLDEN[id]}`, text));
    const validate = VALIDATE[id];
    if (validate) {
      expect(text).toBe(JSON.stringify(JSON.parse(text), null, 2) + '\n');
      expect(validate(JSON.parse(text))).toEqual([]);
    }
  });

  it('passes width and colour to the table only', () => {
    const narrow = SBOM_FORMATS.table.render(RESULTS['debian-image'], {
      ...WRITER_OPTS,
      width: 70,
      color: true,
    });
    expect(narrow).toContain('…');
    expect(narrow).toContain('\u001b[');
    expect(
      SBOM_FORMATS.json.render(RESULTS['debian-image'], { ...WRITER_OPTS, width: 70, color: true }),
    ).not.toContain('\u001b[');
  });
});
