/**
 * CycloneDX 1.6 JSON (https://cyclonedx.org/docs/1.6/json/). Property names we add are prefixed
 * `portcullis:` and documented in docs/json-report.md.
 */
import { randomUUID } from 'node:crypto';
import type { CatalogResult, Package } from '../core/types.js';
import { classifyLicense } from './licenses.js';
import { artifactName, artifactPurl } from './artifact.js';

export interface SbomWriterOptions {
  toolVersion: string;
  now?: Date;
  /** UUID for serialNumber / document namespace. */
  serial?: string;
}

type Json = Record<string, unknown>;

function licensesOf(p: Package): Json[] | undefined {
  if (p.licenses.length === 0) return undefined;
  const kinds = p.licenses.map(classifyLicense);
  const exprs = kinds.filter((k) => k.kind === 'expression');
  if (exprs.length > 0 && kinds.every((k) => k.kind !== 'name')) {
    const parts = kinds.map((k) => (k.kind === 'id' ? k.id : `(${(k as { expression: string }).expression})`));
    return [{ expression: parts.length === 1 ? (exprs[0] as { expression: string }).expression : parts.join(' AND ') }];
  }
  return kinds.map((k) => (k.kind === 'id' ? { license: { id: k.id } } : { license: { name: k.kind === 'name' ? k.name : k.expression } }));
}

function groupOf(p: Package): string | undefined {
  if (p.type === 'maven' || p.type === 'composer' || p.type === 'golang') {
    const m = /^pkg:[^/]+\/(.+)\/[^/@]+@/.exec(p.purl);
    return m ? decodeURIComponent(m[1]!) : undefined;
  }
  if (p.type === 'npm' && p.name.startsWith('@')) return p.name.split('/')[0];
  return undefined;
}

function propertiesOf(p: Package): Json[] {
  const props: Json[] = [
    { name: 'portcullis:package:type', value: p.type },
    { name: 'portcullis:package:foundBy', value: p.foundBy },
  ];
  p.locations.forEach((l, i) => {
    props.push({ name: `portcullis:location:${i}:path`, value: l.path });
    if (l.layerDiffId) props.push({ name: `portcullis:location:${i}:layerDiffID`, value: l.layerDiffId });
    if (l.layerDigest) props.push({ name: `portcullis:location:${i}:layerDigest`, value: l.layerDigest });
  });
  if (p.source) {
    props.push({ name: 'portcullis:package:sourceName', value: p.source.name });
    if (p.source.version) props.push({ name: 'portcullis:package:sourceVersion', value: p.source.version });
  }
  if (p.arch) props.push({ name: 'portcullis:package:arch', value: p.arch });
  for (const [k, v] of Object.entries(p.metadata ?? {}).sort(([a], [b]) => a.localeCompare(b))) props.push({ name: `portcullis:metadata:${k}`, value: v });
  return props;
}

export function toCycloneDx(result: CatalogResult, opts: SbomWriterOptions): Json {
  const serial = opts.serial ?? randomUUID();
  const now = (opts.now ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const a = result.artifact;
  const rootRef = 'portcullis:artifact';
  const root: Json = {
    type: a.transport === 'rootfs' ? 'file' : 'container',
    'bom-ref': rootRef,
    name: artifactName(result),
    ...(a.digest ? { version: a.digest } : a.tag ? { version: a.tag } : {}),
  };
  const purl = artifactPurl(result);
  if (purl) root.purl = purl;
  const rootProps: Json[] = [];
  if (a.imageId) rootProps.push({ name: 'portcullis:image:id', value: a.imageId });
  if (a.platform) rootProps.push({ name: 'portcullis:image:platform', value: [a.platform.os, a.platform.architecture, a.platform.variant].filter(Boolean).join('/') });
  a.layers.forEach((l) => rootProps.push({ name: `portcullis:image:layer:${l.index}:diffID`, value: l.diffId }));
  if (rootProps.length > 0) root.properties = rootProps;

  const components: Json[] = [];
  const osRef = 'portcullis:os';
  if (result.os) {
    components.push({
      type: 'operating-system',
      'bom-ref': osRef,
      name: result.os.id,
      ...(result.os.versionId ? { version: result.os.versionId } : {}),
      ...(result.os.prettyName ? { description: result.os.prettyName } : {}),
    });
  }
  for (const p of result.packages) {
    const c: Json = { type: 'library', 'bom-ref': p.id };
    const group = groupOf(p);
    if (group) c.group = group;
    c.name = group && p.type === 'npm' ? p.name.slice(group.length + 1) : group && p.name.startsWith(group + '/') ? p.name.slice(group.length + 1) : p.name;
    c.version = p.version;
    const lic = licensesOf(p);
    if (lic) c.licenses = lic;
    c.purl = p.purl;
    c.properties = propertiesOf(p);
    components.push(c);
  }

  const ids = new Set(result.packages.map((p) => p.id));
  const inbound = new Set<string>();
  for (const p of result.packages) for (const d of p.dependsOn ?? []) if (ids.has(d)) inbound.add(d);
  const dependencies: Json[] = [
    { ref: rootRef, dependsOn: [...(result.os ? [osRef] : []), ...result.packages.filter((p) => !inbound.has(p.id)).map((p) => p.id)] },
  ];
  if (result.os) dependencies.push({ ref: osRef, dependsOn: [] });
  for (const p of result.packages) {
    dependencies.push({ ref: p.id, dependsOn: [...new Set((p.dependsOn ?? []).filter((d) => ids.has(d) && d !== p.id))] });
  }

  return {
    $schema: 'http://cyclonedx.org/schema/bom-1.6.schema.json',
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    serialNumber: `urn:uuid:${serial}`,
    version: 1,
    metadata: {
      timestamp: now,
      tools: { components: [{ type: 'application', name: 'portcullis', version: opts.toolVersion }] },
      component: root,
    },
    components,
    dependencies,
  };
}
