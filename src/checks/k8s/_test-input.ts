/** Test helper: YAML documents (objects) in, a LoadResult out, as `scan config` would load them. */
import { stringify } from 'yaml';
import { loadManifestText, type LoadResult } from './load.js';

export function loadDocs(docs: readonly unknown[], file = 'test.yaml'): LoadResult {
  return loadManifestText(docs.map((d) => stringify(d)).join('---\n'), file);
}
