/**
 * Secrets of an analysed target: the secret cataloger's facts of every layer (not only the merged
 * view — a file deleted by an upper layer is still in the lower layer's blob), the image config's
 * environment and its history `created_by` lines, each with the layer that holds it.
 */
import type { Cataloger } from '../catalog/index.js';
import type {
  CatalogResult,
  LayerInfo,
  SecretFinding,
  SecretMatch,
  SecretSkippedFile,
} from '../core/index.js';
import { secretCataloger, redactSecrets, scanSecrets } from '../secrets/index.js';
import type { AnalysedTarget } from './catalog-target.js';

/** The secret cataloger, checked against the cataloger contract. */
export const SECRET_CATALOGER: Cataloger<SecretMatch[]> = secretCataloger;

export interface SecretScanResult {
  findings: SecretFinding[];
  skipped: SecretSkippedFile[];
}

function layerRef(info: LayerInfo | undefined): SecretFinding['layer'] {
  if (!info?.diffId) return undefined;
  return { index: info.index, diffId: info.diffId, ...(info.digest ? { digest: info.digest } : {}) };
}

/** Collects every secret finding of an analysed target, sorted by path, layer and line. */
export function collectSecrets(analysed: AnalysedTarget): SecretScanResult {
  const findings: SecretFinding[] = [];
  const skipped: SecretSkippedFile[] = [];
  const infos = analysed.result.artifact.layers;
  const add = (m: SecretMatch, source: SecretFinding['source'], path: string, info: LayerInfo | undefined) => {
    const layer = layerRef(info);
    findings.push({ ...m, source, path, ...(layer ? { layer } : {}) });
  };

  analysed.layers.forEach((layer, i) => {
    const info = infos[i];
    for (const fact of layer.facts[SECRET_CATALOGER.id] ?? []) {
      for (const m of fact.value as SecretMatch[]) add(m, 'file', '/' + fact.path, info);
    }
    for (const u of layer.unknowns) {
      if (u.cataloger === SECRET_CATALOGER.id) skipped.push({ path: '/' + u.path, reason: u.reason, ...(info?.diffId ? { layerDiffId: info.diffId } : {}) });
    }
  });

  for (const entry of analysed.result.artifact.config?.env ?? []) {
    const name = entry.slice(0, Math.max(0, entry.indexOf('='))) || entry;
    for (const m of scanSecrets(entry, `config:env/${name}`)) add(m, 'config-env', `config:env/${name}`, undefined);
  }
  for (const [name, value] of Object.entries(analysed.result.artifact.config?.labels ?? {})) {
    for (const m of scanSecrets(`${name}=${value}`, `config:label/${name}`)) add(m, 'config-label', `config:label/${name}`, undefined);
  }

  const history = analysed.history ?? [];
  const nonEmpty = history.filter((h) => !h.empty_layer).length;
  let layerIndex = 0;
  history.forEach((h, i) => {
    const info = !h.empty_layer && nonEmpty === infos.length ? infos[layerIndex] : undefined;
    if (!h.empty_layer) layerIndex++;
    if (!h.created_by) return;
    for (const m of scanSecrets(h.created_by, `config:history/${i}`)) add(m, 'config-history', `config:history/${i}`, info);
  });

  const order = { file: 0, 'config-env': 1, 'config-label': 2, 'config-history': 3 } as const;
  findings.sort((a, b) => order[a.source] - order[b.source] || a.path.localeCompare(b.path, 'en', { numeric: true }) || (a.layer?.index ?? -1) - (b.layer?.index ?? -1) || a.line - b.line || a.ruleId.localeCompare(b.ruleId));
  return { findings, skipped };
}

/**
 * The catalog result with secrets masked in the image config it echoes (environment, labels and
 * the layers' `createdBy`), so that a report that prints the artifact never prints what the
 * secret scanner found there.
 */
export function redactConfigSecrets(result: CatalogResult): CatalogResult {
  const a = result.artifact;
  const env = a.config?.env?.map((e) => redactSecrets(e, `config:env/${e.slice(0, Math.max(0, e.indexOf('=')))}`));
  const labels = a.config?.labels ? Object.fromEntries(Object.entries(a.config.labels).map(([k, v]) => [k, redactSecrets(`${k}=${v}`, `config:label/${k}`).slice(k.length + 1)])) : undefined;
  const layers = a.layers.map((l) => (l.createdBy ? { ...l, createdBy: redactSecrets(l.createdBy, `config:history/${l.index}`) } : l));
  const config = a.config ? { ...a.config, ...(env ? { env } : {}), ...(labels ? { labels } : {}) } : undefined;
  return { ...result, artifact: { ...a, layers, ...(config ? { config } : {}) } };
}
