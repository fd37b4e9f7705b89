/**
 * The well-known public advisory feeds that `portcullis db update` fetches when nothing has been
 * imported yet (or with `--default-sources`): one row per feed, with its public URL and the path
 * it has under an internal mirror (`--mirror BASE_URL`, `PORTCULLIS_DB_MIRROR`).
 *
 * Mirror layout (everything relative to BASE_URL):
 *
 *     osv/<Ecosystem>/all.zip          OSV per-ecosystem export (ecosystem spelled as OSV does)
 *     debian/tracker.json              Debian security tracker JSON
 *     alpine/v<X.Y>/<repo>.json        Alpine secdb (repo: main, community)
 *
 * A mirror is a plain copy: `wget` each public URL to its mirror path and serve the tree with
 * any static web server. Conditional requests (ETag / Last-Modified) work against the mirror as
 * long as the server sends those headers, as every common one does.
 */

/** One default feed. */
export interface DefaultSource {
  /** Source id in the store (`osv:npm`, `debian-tracker`, `alpine-secdb:3.19:main`). */
  id: string;
  kind: 'osv' | 'debian-tracker' | 'alpine-secdb';
  /** Public location. */
  url: string;
  /** Path under a mirror's base URL. */
  mirrorPath: string;
  /** What a scan gains from it, for `db status` and the docs. */
  covers: string;
}

const OSV_BASE = 'https://osv-vulnerabilities.storage.googleapis.com';
const DEBIAN_TRACKER = 'https://security-tracker.debian.org/tracker/data/json';
const ALPINE_SECDB = 'https://secdb.alpinelinux.org';

/**
 * OSV ecosystems exported as `<Ecosystem>/all.zip`, spelled as the OSV bucket spells its
 * directories. Only the parent ecosystems: OSV stopped exporting per-release directories
 * (`Debian:12/`) in 2024; `Debian/all.zip` holds every release.
 */
export const OSV_ECOSYSTEMS = ['npm', 'PyPI', 'Go', 'crates.io', 'Maven', 'RubyGems', 'NuGet', 'Packagist', 'Debian', 'Alpine', 'Ubuntu'] as const;

/** Alpine releases whose secdb is fetched (older images keep being scanned long after end of life). */
export const ALPINE_RELEASES = ['3.16', '3.17', '3.18', '3.19', '3.20', '3.21', '3.22', '3.23'] as const;

const ALPINE_REPOS = ['main', 'community'] as const;

const OSV_COVERS: Record<(typeof OSV_ECOSYSTEMS)[number], string> = {
  npm: 'npm packages (GitHub advisories)',
  PyPI: 'Python packages (PyPA, GitHub advisories)',
  Go: 'Go modules and the standard library (Go vulnerability database)',
  'crates.io': 'Rust crates (RustSec)',
  Maven: 'Java packages (GitHub advisories)',
  RubyGems: 'Ruby gems (GitHub advisories, ruby-advisory-db)',
  NuGet: '.NET packages (GitHub advisories)',
  Packagist: 'PHP packages (GitHub advisories, FriendsOfPHP)',
  Debian: 'Debian packages (DSA, DLA, DEBIAN-CVE records)',
  Alpine: 'Alpine packages (converted secdb)',
  Ubuntu: 'Ubuntu packages (USN, UBUNTU-CVE records)',
};

/** Every default feed, in fetch order. */
export const DEFAULT_SOURCES: readonly DefaultSource[] = [
  ...OSV_ECOSYSTEMS.map((eco): DefaultSource => ({ id: `osv:${eco}`, kind: 'osv', url: `${OSV_BASE}/${encodeURIComponent(eco)}/all.zip`, mirrorPath: `osv/${encodeURIComponent(eco)}/all.zip`, covers: OSV_COVERS[eco] })),
  { id: 'debian-tracker', kind: 'debian-tracker', url: DEBIAN_TRACKER, mirrorPath: 'debian/tracker.json', covers: 'Debian releases: fixed versions, open and ignored issues per source package' },
  ...ALPINE_RELEASES.flatMap((rel) =>
    ALPINE_REPOS.map((repo): DefaultSource => ({ id: `alpine-secdb:${rel}:${repo}`, kind: 'alpine-secdb', url: `${ALPINE_SECDB}/v${rel}/${repo}.json`, mirrorPath: `alpine/v${rel}/${repo}.json`, covers: `Alpine ${rel} ${repo} packages` })),
  ),
];

/** The default source with this id, if it is one. */
export function defaultSourceById(id: string): DefaultSource | undefined {
  return DEFAULT_SOURCES.find((s) => s.id === id);
}

/**
 * Where to fetch a default source from: its public URL, or its path under `mirror` when one is
 * set. A mirror base may carry a path (`https://mirror.example/portcullis/`); a trailing slash is
 * optional.
 */
export function sourceUrl(source: DefaultSource, mirror?: string): string {
  if (!mirror) return source.url;
  return `${mirror.replace(/\/+$/, '')}/${source.mirrorPath}`;
}
