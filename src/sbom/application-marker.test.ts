/** The scanned project's own package (`metadata.application`) is an application in both formats. */
import { describe, expect, it } from 'vitest';
import type { CatalogResult } from '../core/types.js';
import { toCycloneDx } from './cyclonedx.js';
import { toSpdx } from './spdx.js';
import { DEBIAN_IMAGE, WRITER_OPTS } from './testdata/results.js';
import { validateCycloneDx, validateSpdx } from './validate.js';

const app = DEBIAN_IMAGE.packages.find((p) => p.type === 'npm')!;
const result: CatalogResult = { ...DEBIAN_IMAGE, packages: DEBIAN_IMAGE.packages.map((p) => (p === app ? { ...p, metadata: { ...p.metadata, application: 'true' } } : p)) };

describe('application packages', () => {
  it('CycloneDX: component type application with the portcullis:metadata:application property; the rest stay libraries', () => {
    const doc = toCycloneDx(result, WRITER_OPTS) as { components: { type: string; 'bom-ref': string; properties?: { name: string; value: string }[] }[] };
    const c = doc.components.find((x) => x['bom-ref'] === app.id)!;
    expect(c.type).toBe('application');
    expect(c.properties).toContainEqual({ name: 'portcullis:metadata:application', value: 'true' });
    expect(doc.components.filter((x) => x.type === 'application')).toHaveLength(1);
    expect(doc.components.filter((x) => x.type === 'library').length).toBe(DEBIAN_IMAGE.packages.length - 1);
    expect(validateCycloneDx(doc)).toEqual({ valid: true, errors: [] });
  });

  it('SPDX: primaryPackagePurpose APPLICATION', () => {
    const doc = toSpdx(result, WRITER_OPTS) as { packages: { SPDXID: string; primaryPackagePurpose: string }[] };
    const purposes = doc.packages.map((p) => p.primaryPackagePurpose);
    expect(purposes.filter((x) => x === 'APPLICATION')).toHaveLength(1);
    expect(doc.packages.find((p) => p.SPDXID.endsWith(app.id))?.primaryPackagePurpose).toBe('APPLICATION');
    expect(validateSpdx(doc).valid).toBe(true);
  });
});
