/**
 * Debian packages: `var/lib/dpkg/status`, distroless `var/lib/dpkg/status.d/*`, owned files from
 * `var/lib/dpkg/info/*.list`, licenses from DEP-5 `usr/share/doc/<pkg>/copyright`.
 *
 * A package is reported when its Status is anything but `not-installed` and `config-files`
 * (removed packages whose configuration files remain are not installed software).
 */
import { PackageURL } from 'packageurl-js';
import { normaliseLicenses } from '../license.js';
import { distroQualifier } from '../os/cataloger.js';
import { defineCataloger, type Fact, type PackageDraft } from '../types.js';
import { parseControl, parseCopyrightLicenses, parseRelations, parseSource, type DpkgStanza } from './parse-control.js';

type DpkgFact = { kind: 'status'; stanzas: DpkgStanza[] } | { kind: 'list'; files: string[] } | { kind: 'copyright'; licenses: string[] };

const STATUS = 'var/lib/dpkg/status';
const STATUS_D = 'var/lib/dpkg/status.d/';
const INFO = 'var/lib/dpkg/info/';
const DOC = 'usr/share/doc/';

function isInstalled(s: DpkgStanza): boolean {
  if (!s.status) return true; // distroless status.d stanzas often omit Status
  const state = s.status.trim().split(/\s+/)[2];
  return state !== 'not-installed' && state !== 'config-files';
}

export const dpkgCataloger = defineCataloger<DpkgFact>({
  id: 'dpkg',
  version: 1,
  tags: ['os', 'installed', 'image', 'directory'],
  maxFileSize: 128 * 1024 * 1024,
  wants(f) {
    const p = f.path;
    if (p === STATUS) return true;
    if (p.startsWith(STATUS_D)) return !p.endsWith('.md5sums') && p.indexOf('/', STATUS_D.length) < 0;
    if (p.startsWith(INFO)) return p.endsWith('.list');
    if (p.startsWith(DOC)) return p.endsWith('/copyright') && p.indexOf('/', DOC.length) === p.length - 10 && f.size <= 1024 * 1024;
    return false;
  },
  parse(file) {
    const p = file.path;
    if (p.endsWith('.list')) {
      return { kind: 'list', files: file.content.toString('utf8').split('\n').filter((l) => l !== '' && l !== '/.') };
    }
    if (p.endsWith('/copyright')) {
      const licenses = parseCopyrightLicenses(file.content.toString('utf8'));
      return licenses.length > 0 ? { kind: 'copyright', licenses } : null;
    }
    return { kind: 'status', stanzas: parseControl(file.content.toString('utf8')) };
  },
  assemble(facts, ctx) {
    const drafts: PackageDraft[] = [];
    const distro = distroQualifier(ctx.os);
    const namespace = ctx.os?.id ?? 'debian';
    const lists = new Map<string, string[]>();
    for (const f of facts) {
      if (f.value.kind !== 'list') continue;
      const base = f.path.slice(INFO.length, -'.list'.length);
      lists.set(base, f.value.files);
    }
    const statusFacts = facts.filter((f): f is Fact<Extract<DpkgFact, { kind: 'status' }>> => f.value.kind === 'status');
    const installed: { s: DpkgStanza; fact: Fact<DpkgFact> }[] = [];
    for (const f of statusFacts) for (const s of f.value.stanzas) if (isInstalled(s)) installed.push({ s, fact: f });
    const byName = new Map<string, string>();
    const providers = new Map<string, string>();
    for (const { s } of installed) {
      const key = `${s.package}:${s.architecture ?? ''}`;
      if (!byName.has(s.package)) byName.set(s.package, key);
      for (const alts of parseRelations(s.provides)) for (const p of alts) if (!providers.has(p)) providers.set(p, key);
    }
    const historyCache = new Map<string, Set<string>[]>();
    const introducedIn = (fact: Fact<DpkgFact>, ident: string): number => {
      let hist = historyCache.get(fact.path);
      if (!hist) {
        hist = ctx
          .history(fact.path)
          .map((h) => new Set(h.value.kind === 'status' ? h.value.stanzas.filter(isInstalled).map((s) => `${s.package} ${s.version} ${s.architecture}`) : []));
        historyCache.set(fact.path, hist);
      }
      let layer = fact.layer;
      const older = ctx.history(fact.path);
      for (let i = hist.length - 1; i >= 0; i--) {
        if (!hist[i]!.has(ident)) break;
        layer = older[i]!.layer;
      }
      return layer;
    };
    for (const { s, fact } of installed) {
      const version = s.version ?? '';
      const arch = s.architecture;
      const qualifiers: Record<string, string> = {};
      if (arch) qualifiers.arch = arch;
      if (distro) qualifiers.distro = distro;
      const source = parseSource(s.source);
      const files = lists.get(`${s.package}:${arch}`) ?? lists.get(s.package);
      const doc = ctx.factAt(`${DOC}${s.package}/copyright`);
      const licenses = doc && doc.value.kind === 'copyright' ? normaliseLicenses(doc.value.licenses) : [];
      const deps: string[] = [];
      for (const alts of [...parseRelations(s.preDepends), ...parseRelations(s.depends)]) {
        for (const name of alts) {
          const hit = byName.get(name) ?? providers.get(name);
          if (hit) {
            deps.push(hit);
            break;
          }
        }
      }
      const layer = installed.length && ctx.layers.length > 1 ? introducedIn(fact, `${s.package} ${s.version} ${s.architecture}`) : fact.layer;
      const draft: PackageDraft = {
        name: s.package,
        version,
        type: 'deb',
        purl: new PackageURL('deb', namespace, s.package, version, qualifiers, undefined).toString(),
        licenses,
        locations: [{ path: fact.path, layer }],
        source: source ? { name: source.name, version: source.version ?? version } : { name: s.package, version },
        key: `${s.package}:${arch ?? ''}`,
        dependsOn: [...new Set(deps)],
      };
      if (arch) draft.arch = arch;
      if (files) draft.files = files;
      if (s.maintainer) draft.metadata = { maintainer: s.maintainer };
      drafts.push(draft);
    }
    return drafts;
  },
});
