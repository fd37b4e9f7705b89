/**
 * Debian packages (Debian, Ubuntu and derivatives, distroless): the dpkg database
 * `var/lib/dpkg/status`, distroless `var/lib/dpkg/status.d/<name>` stanza files, owned files
 * from `var/lib/dpkg/info/<name>[:<arch>].list`, and licenses from machine-readable (DEP-5)
 * `usr/share/doc/<name>/copyright` files.
 *
 * Which packages: exactly those `dpkg-query -W` lists, i.e. every stanza whose state is not
 * `not-installed` (see `isListedByDpkg`); a state other than `installed` is kept in
 * `metadata.status` so consumers can tell `config-files` leftovers apart.
 *
 * Layer attribution: a package is located in the lowest layer from which its database file has
 * listed it continuously with the same version and architecture, so a later `apt-get install`
 * that rewrites `status` does not move every package to the top layer.
 */
import { distroQualifier } from '../os/cataloger.js';
import { defineCataloger, type AssembleContext, type Fact, type PackageDraft } from '../types.js';
import { dep5ToSpdx } from './dep5-license.js';
import { osPackagePurl } from './purl.js';
import {
  dpkgState,
  isListedByDpkg,
  parseControl,
  parseCopyrightLicenses,
  parseRelations,
  parseSource,
  type DpkgStanza,
  type Relation,
} from './parse-control.js';

export type DpkgFact =
  | { kind: 'status'; stanzas: DpkgStanza[] }
  | { kind: 'list'; files: string[] }
  | { kind: 'copyright'; licenses: string[] };

const STATUS = 'var/lib/dpkg/status';
const STATUS_D = 'var/lib/dpkg/status.d/';
const INFO = 'var/lib/dpkg/info/';
const DOC = 'usr/share/doc/';
const COPYRIGHT = '/copyright';
/** Largest copyright file read for licenses. */
export const MAX_COPYRIGHT_SIZE = 256 * 1024;

export const dpkgCataloger = defineCataloger<DpkgFact>({
  id: 'dpkg',
  version: 2,
  tags: ['os', 'installed', 'image', 'directory'],
  maxFileSize: 128 * 1024 * 1024,
  wants(f) {
    const p = f.path;
    if (p.startsWith('var/lib/dpkg/')) {
      if (p === STATUS) return true;
      if (p.startsWith(STATUS_D)) return !p.endsWith('.md5sums') && p.indexOf('/', STATUS_D.length) < 0;
      if (p.startsWith(INFO)) return p.endsWith('.list') && p.indexOf('/', INFO.length) < 0;
      return false;
    }
    if (p.startsWith(DOC) && p.endsWith(COPYRIGHT)) {
      // exactly usr/share/doc/<pkg>/copyright
      return f.size <= MAX_COPYRIGHT_SIZE && p.indexOf('/', DOC.length) === p.length - COPYRIGHT.length;
    }
    return false;
  },
  parse(file) {
    const p = file.path;
    if (p.startsWith(INFO)) {
      const files = file.content
        .toString('utf8')
        .split('\n')
        .filter((l) => l !== '' && l !== '/.');
      return { kind: 'list', files };
    }
    if (p.startsWith(DOC)) {
      const licenses = parseCopyrightLicenses(file.content.toString('utf8'));
      return licenses.length > 0 ? { kind: 'copyright', licenses } : null;
    }
    const stanzas = parseControl(file.content.toString('utf8'));
    return stanzas.length > 0 || p === STATUS ? { kind: 'status', stanzas } : null;
  },
  assemble(facts, ctx) {
    const lists = new Map<string, string[]>();
    const statusFacts: Fact<Extract<DpkgFact, { kind: 'status' }>>[] = [];
    for (const f of facts) {
      if (f.value.kind === 'list') lists.set(f.path.slice(INFO.length, -'.list'.length), f.value.files);
      else if (f.value.kind === 'status') statusFacts.push(f as Fact<Extract<DpkgFact, { kind: 'status' }>>);
    }
    // The main database first, then status.d files in path order: a stable package order.
    statusFacts.sort((a, b) => (a.path === STATUS ? -1 : b.path === STATUS ? 1 : a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

    const listed: { s: DpkgStanza; fact: Fact<DpkgFact>; key: string }[] = [];
    const keys = new Set<string>();
    for (const f of statusFacts) {
      for (const s of f.value.stanzas) {
        if (!isListedByDpkg(s)) continue;
        const key = packageKey(s);
        if (keys.has(key)) continue;
        keys.add(key);
        listed.push({ s, fact: f, key });
      }
    }

    const resolver = new RelationResolver(listed.map((l) => l.s));
    const introducedIn = layerAttribution(ctx);
    const distro = distroQualifier(ctx.os);
    const namespace = ctx.os?.id ?? 'debian';

    return listed.map(({ s, fact, key }) => {
      const version = s.version ?? '';
      const arch = s.architecture;
      const qualifiers: Record<string, string> = {};
      if (arch) qualifiers.arch = arch;
      if (distro) qualifiers.distro = distro;
      const source = parseSource(s.source);
      const deps: string[] = [];
      for (const clause of [...parseRelations(s.preDepends), ...parseRelations(s.depends)]) {
        const hit = resolver.resolve(clause, arch);
        if (hit !== undefined && hit !== key && !deps.includes(hit)) deps.push(hit);
      }
      const copyright = ctx.factAt(`${DOC}${s.package}${COPYRIGHT}`);
      const licenses: string[] = [];
      if (copyright?.value.kind === 'copyright') {
        for (const raw of copyright.value.licenses) {
          const id = dep5ToSpdx(raw);
          if (id !== undefined && !licenses.includes(id)) licenses.push(id);
        }
      }
      const draft: PackageDraft = {
        name: s.package,
        version,
        type: 'deb',
        purl: osPackagePurl({ type: 'deb', namespace, name: s.package, version, qualifiers }),
        licenses,
        locations: [{ path: fact.path, layer: introducedIn(fact, identity(s)) }],
        source: { name: source?.name ?? s.package, version: source?.version ?? version },
        key,
        dependsOn: deps,
      };
      if (arch) draft.arch = arch;
      const files = (arch ? lists.get(`${s.package}:${arch}`) : undefined) ?? lists.get(s.package);
      if (files) draft.files = files;
      const metadata: Record<string, string> = {};
      if (s.maintainer) metadata.maintainer = s.maintainer;
      const state = dpkgState(s.status);
      if (state !== undefined && state !== 'installed') metadata.status = s.status!;
      if (Object.keys(metadata).length > 0) draft.metadata = metadata;
      return draft;
    });
  },
});

function packageKey(s: DpkgStanza): string {
  return `${s.package}:${s.architecture ?? ''}`;
}

function identity(s: DpkgStanza): string {
  return `${s.package}\0${s.version ?? ''}\0${s.architecture ?? ''}`;
}

/**
 * The layer a package comes from: walking the older versions of its database file downwards,
 * the lowest one reached without a gap that still lists the same package, version and arch.
 */
function layerAttribution(ctx: AssembleContext<DpkgFact>): (fact: Fact<DpkgFact>, ident: string) => number {
  const cache = new Map<string, { layer: number; idents: Set<string> }[]>();
  return (fact, ident) => {
    let older = cache.get(fact.path);
    if (!older) {
      older = ctx.history(fact.path).map((h) => ({
        layer: h.layer,
        idents: new Set(h.value.kind === 'status' ? h.value.stanzas.filter(isListedByDpkg).map(identity) : []),
      }));
      cache.set(fact.path, older);
    }
    let layer = fact.layer;
    for (let i = older.length - 1; i >= 0 && older[i]!.idents.has(ident); i--) layer = older[i]!.layer;
    return layer;
  };
}

/**
 * Resolves a relationship clause to the key of a package present: the first alternative that is
 * a package of that name (preferring the depender's architecture, then `all`, then any) or,
 * failing that, a package that `Provides` it.
 */
class RelationResolver {
  private readonly byName = new Map<string, { key: string; arch: string }[]>();
  private readonly providers = new Map<string, { key: string; arch: string }[]>();

  constructor(stanzas: DpkgStanza[]) {
    for (const s of stanzas) {
      const entry = { key: packageKey(s), arch: s.architecture ?? '' };
      push(this.byName, s.package, entry);
      for (const alts of parseRelations(s.provides)) for (const p of alts) push(this.providers, p.name, entry);
    }
  }

  resolve(clause: Relation[], fromArch: string | undefined): string | undefined {
    for (const alt of clause) {
      const hit = pick(this.byName.get(alt.name), alt, fromArch) ?? pick(this.providers.get(alt.name), alt, fromArch);
      if (hit) return hit;
    }
    return undefined;
  }
}

function push<V>(m: Map<string, V[]>, k: string, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

function pick(cands: { key: string; arch: string }[] | undefined, rel: Relation, fromArch: string | undefined): string | undefined {
  if (!cands || cands.length === 0) return undefined;
  const q = rel.archQualifier;
  if (q && q !== 'any' && q !== 'native') return cands.find((c) => c.arch === q)?.key;
  return (cands.find((c) => c.arch === fromArch) ?? cands.find((c) => c.arch === 'all') ?? cands[0])!.key;
}
