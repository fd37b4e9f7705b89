/**
 * Go: modules compiled into binaries (build info, see buildinfo.ts) and modules declared in
 * `go.mod` (with hashes from a sibling `go.sum` when there is one).
 *
 * Versions that are not versions: Go writes `(devel)` for the main module of a binary built
 * from a source checkout, and for modules replaced by a local directory. We keep `(devel)` as
 * the package version and in `metadata.moduleVersion`, but leave it out of the purl (a purl
 * version must identify a release; `@(devel)` would name one that does not exist) — as Trivy
 * does, while Syft keeps `@(devel)`. For the main module we first try, like both of them, a
 * version stamped with `-ldflags -X …version=v1.2.3`, then (like Syft) a pseudo-version built
 * from the `vcs.revision`/`vcs.time` settings, which is what Go 1.24+ now records itself.
 *
 * The main module is the application (`metadata.application = "true"`): in a binary, the
 * build info's `mod` line; in a source tree, the `module` line of `go.mod` — reported with the
 * version `(devel)` (a go.mod names no version of its own, as a source checkout's binary says),
 * depending on every module the file requires.
 *
 * Purl names keep their case: Go module paths are case-sensitive (`github.com/Azure/…`), and
 * the Go vulnerability database keys advisories by the exact path.
 */
import { PackageURL } from 'packageurl-js';
import { defineCataloger, type PackageDraft } from '../types.js';
import { readGoBuildInfo, type GoBuildInfo } from './buildinfo.js';
import { exeFormatOf } from './exe.js';
import { isLocalPath, parseGoMod, parseGoSum, replacementFor, type GoModFile } from './parse-go-mod.js';

export const DEVEL = '(devel)';

/** `pkg:golang/github.com/x/y@v1.2.3`: namespace = module path up to its last segment. */
export function golangPurl(path: string, version: string | undefined): string {
  const i = path.lastIndexOf('/');
  const ns = i > 0 ? path.slice(0, i) : undefined;
  const name = i > 0 ? path.slice(i + 1) : path;
  const v = version && version !== DEVEL ? version : undefined;
  return new PackageURL('golang', ns, name, v, undefined, undefined).toString();
}

/**
 * The Go release as the Go vulnerability database writes it (semver, no `go` prefix):
 * `go1.19.8` → `1.19.8`, `go1.20` → `1.20.0`, `go1.21rc2` → `1.21.0-rc.2`,
 * `go1.22.3 X:boringcrypto` → `1.22.3`; undefined for development toolchains.
 */
export function goStdlibVersion(goVersion: string): string | undefined {
  const m = /^go(\d+)\.(\d+)(?:\.(\d+))?(?:(rc|beta)(\d+))?(?:\s|$)/.exec(goVersion);
  if (!m) return undefined;
  const core = `${m[1]}.${m[2]}.${m[3] ?? '0'}`;
  return m[4] ? `${core}-${m[4]}.${m[5]}` : core;
}

const SEMVER_LIKE = /^v?\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]*)?$/;

/** Splits a command line the way a POSIX shell would for simple quoting (enough for `-ldflags`). */
function shellWords(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let has = false;
  let quote: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < s.length) cur += s[++i];
      else cur += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      has = true;
    } else if (c === '\\' && i + 1 < s.length) {
      cur += s[++i];
      has = true;
    } else if (c === ' ' || c === '\t' || c === '\n') {
      if (has) out.push(cur);
      cur = '';
      has = false;
    } else {
      cur += c;
      has = true;
    }
  }
  if (has) out.push(cur);
  return out;
}

/**
 * A version stamped into the main package with `-X importpath.name=value` where `name` is
 * `version`/`ver` (any case) and the value looks like semver. `main.*` wins; several different
 * candidates mean we cannot tell, so none.
 */
export function versionFromLdflags(ldflags: string | undefined): string | undefined {
  if (!ldflags) return undefined;
  const words = shellWords(ldflags);
  const found: { key: string; value: string }[] = [];
  for (let i = 0; i < words.length; i++) {
    let arg: string | undefined;
    const w = words[i]!;
    if (w === '-X' || w === '--X') arg = words[++i];
    else if (w.startsWith('-X=') || w.startsWith('--X=')) arg = w.slice(w.indexOf('=') + 1);
    if (!arg) continue;
    const eq = arg.indexOf('=');
    if (eq < 0) continue;
    const key = arg.slice(0, eq);
    const value = arg.slice(eq + 1);
    if (/\.(version|ver)$/i.test(key) && SEMVER_LIKE.test(value)) found.push({ key, value });
  }
  const pick = (list: typeof found) =>
    new Set(list.map((f) => f.value)).size === 1 ? list[0]!.value : undefined;
  const mains = found.filter((f) => f.key.startsWith('main.'));
  const v = mains.length > 0 ? pick(mains) : found.length > 0 ? pick(found) : undefined;
  return v === undefined ? undefined : v.startsWith('v') ? v : `v${v}`;
}

/** Go's pseudo-version for an untagged commit: `v0.0.0-20230102030405-0123456789ab`. */
export function pseudoVersion(revision: string | undefined, time: string | undefined): string | undefined {
  if (!revision || !time || !/^[0-9a-f]{12,}$/i.test(revision)) return undefined;
  const t = new Date(time);
  if (Number.isNaN(t.getTime())) return undefined;
  const stamp = t.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `v0.0.0-${stamp}-${revision.slice(0, 12).toLowerCase()}`;
}

/** The main module's version and where it came from. */
export function mainModuleVersion(info: GoBuildInfo): {
  version: string;
  source: 'module' | 'ldflags' | 'vcs' | 'none';
} {
  const v = info.main?.version ?? '';
  if (v && v !== DEVEL) return { version: v, source: 'module' };
  const fromFlags = versionFromLdflags(info.settings['-ldflags']);
  if (fromFlags) return { version: fromFlags, source: 'ldflags' };
  const fromVcs = pseudoVersion(info.settings['vcs.revision'], info.settings['vcs.time']);
  if (fromVcs)
    return {
      version: info.settings['vcs.modified'] === 'true' ? `${fromVcs}+dirty` : fromVcs,
      source: 'vcs',
    };
  return { version: DEVEL, source: 'none' };
}

/** Go binaries are at most this big here; larger executables are not buffered. */
const MAX_BINARY = 256 * 1024 * 1024;

export const goBinaryCataloger = defineCataloger<GoBuildInfo>({
  id: 'go-binary',
  version: 2,
  tags: ['language', 'installed', 'image', 'directory'],
  maxFileSize: MAX_BINARY,
  wants: (f) => (f.mode & 0o111) !== 0 && f.size >= 64 && f.size <= MAX_BINARY,
  sniff: (head) => exeFormatOf(head) !== undefined,
  parse: (file) => readGoBuildInfo(file.content) ?? null,
  assemble(facts) {
    const drafts: PackageDraft[] = [];
    for (const f of facts) {
      const b = f.value;
      const locations = [{ path: f.path, layer: f.layer }];
      const common: Record<string, string> = { goVersion: b.goVersion };
      if (b.main?.path) common.mainModule = b.main.path;
      for (const k of ['GOOS', 'GOARCH']) if (b.settings[k] !== undefined) common[k] = b.settings[k]!;
      const depKeys: string[] = [];

      b.deps.forEach((d, i) => {
        const metadata: Record<string, string> = { ...common };
        let path = d.path;
        let version = d.version;
        let sum = d.sum;
        if (d.replace && isLocalPath(d.replace.path)) {
          // Built from a directory: the import path is still the module's identity, its
          // version is whatever that directory held.
          version = d.replace.version || DEVEL;
          sum = undefined;
          metadata.replacedBy = d.replace.path;
          metadata.replaces = `${d.path} ${d.version}`;
        } else if (d.replace) {
          path = d.replace.path;
          version = d.replace.version;
          sum = d.replace.sum;
          metadata.replaces = `${d.path} ${d.version}`;
        }
        if (version === DEVEL) metadata.moduleVersion = DEVEL;
        if (sum) metadata.h1Digest = sum;
        const key = `${f.path}#dep${i}`;
        depKeys.push(key);
        drafts.push({
          name: path,
          version,
          type: 'golang',
          purl: golangPurl(path, version),
          licenses: [],
          locations,
          key,
          metadata,
        });
      });

      const std = goStdlibVersion(b.goVersion);
      if (std) {
        const key = `${f.path}#stdlib`;
        depKeys.push(key);
        drafts.push({
          name: 'stdlib',
          version: std,
          type: 'golang',
          purl: new PackageURL('golang', undefined, 'stdlib', std, undefined, undefined).toString(),
          licenses: ['BSD-3-Clause'],
          locations,
          key,
          metadata: { ...common },
        });
      }

      if (b.main?.path) {
        const { version, source } = mainModuleVersion(b);
        const metadata: Record<string, string> = { ...common, ...b.settings, mainModule: b.main.path, application: 'true' };
        if (b.main.version) metadata.moduleVersion = b.main.version;
        if (source === 'ldflags' || source === 'vcs') metadata.versionSource = source;
        if (b.main.sum) metadata.h1Digest = b.main.sum;
        if (b.path) metadata.mainPackage = b.path;
        drafts.push({
          name: b.main.path,
          version,
          type: 'golang',
          purl: golangPurl(b.main.path, version),
          licenses: [],
          locations,
          key: `${f.path}#main`,
          dependsOn: depKeys,
          metadata,
        });
      }
    }
    return drafts;
  },
});

type GoModFact = ({ kind: 'mod' } & GoModFile) | { kind: 'sum'; sums: Record<string, string> };

function dirOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i + 1);
}

export const goModCataloger = defineCataloger<GoModFact>({
  id: 'go-mod',
  version: 3,
  tags: ['language', 'declared', 'directory'],
  maxFileSize: 8 * 1024 * 1024,
  wants(f) {
    const p = f.path;
    if (!(p === 'go.mod' || p === 'go.sum' || p.endsWith('/go.mod') || p.endsWith('/go.sum'))) return false;
    // Module caches and vendored copies hold other people's go.mod files, not this project's.
    return !p.includes('/pkg/mod/') && !p.startsWith('pkg/mod/') && !p.includes('/vendor/');
  },
  parse(file) {
    const text = file.content.toString('utf8');
    return file.path.endsWith('go.sum')
      ? { kind: 'sum', sums: parseGoSum(text) }
      : { kind: 'mod', ...parseGoMod(text) };
  },
  assemble(facts, ctx) {
    const drafts: PackageDraft[] = [];
    for (const f of facts) {
      const m = f.value;
      if (m.kind !== 'mod') continue;
      const sumFact = ctx.factAt(`${dirOf(f.path)}go.sum`)?.value;
      const sums = sumFact?.kind === 'sum' ? sumFact.sums : {};
      const excluded = new Set(m.excludes.map((e) => `${e.path}@${e.version}`));
      const locations = [{ path: f.path, layer: f.layer }];
      const required: string[] = [];
      for (const r of m.requires) {
        // An excluded version is never selected: Go moves to the next higher one, which the
        // file does not say.
        if (excluded.has(`${r.path}@${r.version}`)) continue;
        const rep = replacementFor(m, r.path, r.version);
        const metadata: Record<string, string> = {};
        if (m.module) metadata.mainModule = m.module;
        if (r.indirect) metadata.indirect = 'true';
        let path = r.path;
        let version = r.version;
        if (rep && rep.toVersion === undefined) {
          version = DEVEL;
          metadata.moduleVersion = DEVEL;
          metadata.replacedBy = rep.to;
          metadata.replaces = `${r.path} ${r.version}`;
        } else if (rep) {
          path = rep.to;
          version = rep.toVersion!;
          metadata.replaces = `${r.path} ${r.version}`;
        }
        const h1 = sums[`${path}@${version}`];
        if (h1) metadata.h1Digest = h1;
        const key = `${f.path}#${path}@${version}`;
        required.push(key);
        drafts.push({
          name: path,
          version,
          type: 'golang',
          purl: golangPurl(path, version),
          licenses: [],
          locations,
          key,
          metadata,
        });
      }
      if (m.module) {
        drafts.push({
          name: m.module,
          version: DEVEL,
          type: 'golang',
          purl: golangPurl(m.module, DEVEL),
          licenses: [],
          locations,
          key: `${f.path}#main`,
          dependsOn: required,
          metadata: { mainModule: m.module, moduleVersion: DEVEL, application: 'true' },
        });
      }
    }
    return drafts;
  },
});
