/**
 * Occurrences in bulk, in the shape `scan --push` writes (src/scan/push.ts), seeded with one SQL
 * statement per chunk (`insert … select … from generate_series`), and the documented filters of
 * docs/metadata-server.md with values that select few, many or no rows. Shared by the EXPLAIN test
 * (test/metadata-filter-plans.test.ts) and bench/metadata-filters.ts.
 *
 * Row g (0-based) belongs to resource g / 100; within a resource 60 VULNERABILITY, 35 PACKAGE and
 * 5 DISCOVERY occurrences. Severities: 2 % CRITICAL, 18 % HIGH, 40 % MEDIUM, 40 % LOW (effective
 * severity drawn independently); a third without a fix; CVSS 0.0–9.9; 997 package names; 5000
 * vulnerability notes; create times 30 s apart ending now (1 M rows span a year).
 */

export const PER_RESOURCE = 100;
export const SEED_PROJECT = 'bench';
export const SEED_NOTES_PROJECT = 'bench-notes';

export const resourceUriOf = (r: number) => `https://registry.example/bench/app-${r}@sha256:${r.toString(16).padStart(64, '0')}`;

const sev = (mult: number) => `(case when (g * ${mult}) % 100 < 2 then 'CRITICAL' when (g * ${mult}) % 100 < 20 then 'HIGH' when (g * ${mult}) % 100 < 60 then 'MEDIUM' else 'LOW' end)`;

const VULN_BODY = `jsonb_build_object('vulnerability', jsonb_build_object('type','OS','severity',${sev(7)},'effectiveSeverity',${sev(13)},'cvssScore',((g * 31) % 100) / 10.0,'fixAvailable',(g % 3) <> 0,
  'relatedUrls', jsonb_build_array(jsonb_build_object('url','https://nvd.nist.gov/vuln/detail/CVE-2024-'||(g % 5000),'label','NVD')),
  'packageIssue', jsonb_build_array(jsonb_build_object('affectedCpeUri','cpe:/o:debian:debian_linux:12','affectedPackage','pkg-'||(g % 997),'affectedVersion',jsonb_build_object('name','1.'||(g % 13),'kind','NORMAL'),'fixedVersion',jsonb_build_object('name','1.'||(g % 13 + 1),'kind','NORMAL'),'fixAvailable',(g % 3) <> 0,'packageType','OS','effectiveSeverity',${sev(13)}))),
  'remediation','Upgrade pkg-'||(g % 997)||' to 1.'||(g % 13 + 1))`;
const PKG_BODY = `jsonb_build_object('package', jsonb_build_object('name','pkg-'||(g % 997),'packageType','OS','version',jsonb_build_object('name','1.'||(g % 13),'kind','NORMAL'),'location',jsonb_build_array(jsonb_build_object('path','/var/lib/dpkg/status'))))`;

/** Inserts rows g in [from, to) of a table of `total` rows (times end now). */
export function seedOccurrencesSql(from: number, to: number, total: number): string {
  const i = `g % ${PER_RESOURCE}`;
  return `insert into metadata_occurrences (project, location, occurrence_id, kind, resource_uri, note_name, body, create_time, update_time)
    select '${SEED_PROJECT}', '', gen_random_uuid()::text,
      case when ${i} < 60 then 'VULNERABILITY' when ${i} < 95 then 'PACKAGE' else 'DISCOVERY' end,
      'https://registry.example/bench/app-' || (g / ${PER_RESOURCE}) || '@sha256:' || lpad(to_hex(g / ${PER_RESOURCE}), 64, '0'),
      case when ${i} < 60 then 'projects/${SEED_NOTES_PROJECT}/notes/CVE-2024-' || (g % 5000) when ${i} < 95 then 'projects/${SEED_NOTES_PROJECT}/notes/pkg-' || (g % 997) else 'projects/${SEED_NOTES_PROJECT}/notes/portcullis-scan' end,
      case when ${i} < 60 then ${VULN_BODY} when ${i} < 95 then ${PKG_BODY} else '{"discovery":{"analysisStatus":"FINISHED_SUCCESS"}}'::jsonb end,
      t, t
    from generate_series(${from}, ${to - 1}) g, lateral (select now() - make_interval(secs => (${total} - g) * 30.0) as t) ts`;
}

export interface DocumentedFilter {
  /** What it is, for reports. */
  label: string;
  /** The filter for the i-th request (values vary so caches do not decide). */
  filter: (i: number, ctx: { resources: number; total: number; names: string[] }) => string;
}

const at = (_ctx: { total: number }, rowsAgo: number) => new Date(Date.now() - rowsAgo * 30_000).toISOString();

/** Every filter field of docs/metadata-server.md, with values of high and low selectivity. */
export const DOCUMENTED_FILTERS: readonly DocumentedFilter[] = [
  { label: 'kind + resourceUri', filter: (i, c) => `kind="VULNERABILITY" AND resourceUri="${resourceUriOf((i * 7919) % c.resources)}"` },
  { label: 'resourceUri', filter: (i, c) => `resourceUri="${resourceUriOf((i * 104729) % c.resources)}"` },
  { label: 'resourceUri wildcard', filter: (i, c) => `resourceUri="${resourceUriOf((i * 7907) % c.resources).replace(/@.*/, '@*')}"` },
  { label: 'kind (5 %)', filter: () => 'kind="DISCOVERY"' },
  { label: 'kind (none)', filter: () => 'kind="BUILD"' },
  { label: 'noteName (CVE)', filter: (i) => `noteName="projects/${SEED_NOTES_PROJECT}/notes/CVE-2024-${(i * 37) % 5000}"` },
  { label: 'noteId (CVE id)', filter: (i) => `noteId="CVE-2024-${(i * 41) % 5000}"` },
  { label: 'noteProjectId (all)', filter: () => `noteProjectId="${SEED_NOTES_PROJECT}"` },
  { label: 'noteProjectId (none)', filter: (i) => `noteProjectId="nobody-${i}"` },
  { label: 'name', filter: (i, c) => `name="projects/${SEED_PROJECT}/occurrences/${c.names[i % c.names.length]}"` },
  { label: 'severity (2 %)', filter: () => 'vulnerability.severity="CRITICAL"' },
  { label: 'effectiveSeverity (2 %)', filter: () => 'vulnerability.effectiveSeverity="CRITICAL"' },
  { label: 'effectiveSeverity + resourceUri', filter: (i, c) => `vulnerability.effectiveSeverity="HIGH" AND resourceUri="${resourceUriOf((i * 6151) % c.resources)}"` },
  { label: 'fixAvailable', filter: () => 'vulnerability.fixAvailable=false' },
  { label: 'cvssScore range', filter: () => 'vulnerability.cvssScore>=9.9' },
  { label: 'package.name', filter: (i) => `package.name="pkg-${(i * 13) % 997}"` },
  { label: 'createTime (last hour)', filter: (_i, c) => `createTime>="${at(c, 120)}"` },
  { label: 'createTime window', filter: (i, c) => `createTime>="${at(c, ((i * 7) % 90) * 1000 + 1000)}" AND createTime<"${at(c, ((i * 7) % 90) * 1000 + 900)}"` },
  { label: 'updateTime (last hour)', filter: (_i, c) => `updateTime>="${at(c, 120)}"` },
];
