/**
 * Secret scanning as a layer cataloger: the layer walk hands it the text-like files of each layer,
 * `parse` returns that file's redacted matches (cached per layer by diffID, so only redacted text
 * is ever stored), and `assemble` produces no packages. It is not in the catalog registry — the
 * `sbom` command must not pay for it — `scan` adds it when `--scanners` includes `secret`.
 *
 * This module imports only `core/`: the object satisfies the `Cataloger` contract of
 * `catalog/types.ts` structurally (checked where `scan/secrets.ts` passes it on).
 *
 * What is not read, and why:
 * - files over 10 MiB: they become unknowns (`FILE_TOO_LARGE`, reported with the secrets), so a
 *   skipped file is visible rather than silently clean; memory stays bounded;
 * - binary files (NUL in the first 8 KiB) and binary formats by extension (shared objects,
 *   archives, images, fonts, media, bytecode, databases): regexes over them find noise;
 * - package-manager databases and distro documentation/data (`var/lib/dpkg/**`,
 *   `usr/share/doc/**`, locales, zoneinfo, …): written by the distro, not by the image's author;
 * - test fixtures inside third-party packages (`node_modules/<pkg>/test/**`, CPython's
 *   `lib/python3.X/test/**`, `site-packages/<pkg>/tests/**`, Go `testdata/**` under GOROOT or
 *   the module cache, gem `test/` and `spec/`): these ship public throwaway keys (TLS and SSH
 *   test keys) that appear in thousands of images. The image's own tests (`/app/test/**`) are
 *   still read.
 */
import { isBinary, scanSecrets } from './scan.js';
import type { SecretMatch } from '../core/index.js';

/** Largest file the secret scanner reads. */
export const SECRET_MAX_FILE_SIZE = 10 * 1024 * 1024;

const SKIP_PREFIXES = [
  'usr/share/doc/',
  'usr/share/man/',
  'usr/share/info/',
  'usr/share/locale/',
  'usr/share/i18n/',
  'usr/share/zoneinfo/',
  'usr/share/common-licenses/',
  'usr/share/mime/',
  'usr/share/terminfo/',
  'usr/share/lintian/',
  'usr/lib/locale/',
  'var/lib/dpkg/',
  'var/lib/apt/',
  'var/lib/rpm/',
  'var/lib/dnf/',
  'var/lib/yum/',
  'lib/apk/',
  'var/cache/apt/',
  'var/cache/apk/',
  'var/cache/ldconfig/',
];

const SKIP_EXTENSIONS = new Set(
  (
    'a o ko obj lib dll exe dylib node wasm pyc pyo class dex jar war ear whl egg deb rpm apk ' +
    'zip gz tgz bz2 tbz xz txz zst lz4 lzma 7z rar tar cpio iso img qcow2 ' +
    'png jpg jpeg gif ico webp bmp tif tiff psd svgz woff woff2 ttf otf eot ' +
    'mp3 mp4 m4a ogg oga wav flac avi mov mkv webm pdf ' +
    'db sqlite sqlite3 mo gmo pack idx'
  ).split(' '),
);

/** Third-party test fixtures (see the module comment). */
const FIXTURE_DIRS = [
  /(?:^|\/)node_modules\/(?:@[^/]{1,214}\/)?[^/]{1,214}\/(?:[^/]{1,255}\/){0,8}(?:test|tests|__tests__|spec|specs|fixtures?|examples?|benchmarks?)\//,
  /^usr\/(?:local\/)?lib\/python\d(?:\.\d{1,3})?\/test\//,
  /(?:^|\/)(?:site|dist)-packages\/(?:[^/]{1,255}\/){1,8}(?:tests?|testing)\//,
  /(?:^|\/)go\/src\/(?:[^/]{1,255}\/){0,12}testdata\//,
  /(?:^|\/)pkg\/mod\/(?:[^/]{1,255}\/){0,12}testdata\//,
  /(?:^|\/)gems\/[^/]{1,255}\/(?:test|spec)\//,
];

/** Whether the secret scanner reads this path (cheap: prefix, extension and a few regexes). */
export function isScannablePath(path: string): boolean {
  for (const p of SKIP_PREFIXES) if (path.startsWith(p)) return false;
  const base = path.slice(path.lastIndexOf('/') + 1);
  if (/\.so(?:\.\d{1,6}){0,6}$/.test(base)) return false;
  const dot = base.lastIndexOf('.');
  if (dot > 0 && SKIP_EXTENSIONS.has(base.slice(dot + 1).toLowerCase())) return false;
  return !FIXTURE_DIRS.some((re) => re.test(path));
}

/** The secret cataloger; facts are the redacted matches of one file. */
export const secretCataloger = {
  id: 'secret',
  version: 1,
  tags: ['image', 'directory'] as const,
  maxFileSize: SECRET_MAX_FILE_SIZE,
  wants(file: { path: string; size: number }): boolean {
    return file.size > 0 && isScannablePath(file.path);
  },
  sniff(head: Buffer): boolean {
    return !isBinary(head);
  },
  parse(file: { path: string; content: Buffer }): SecretMatch[] | null {
    const matches = scanSecrets(file.content, file.path);
    return matches.length > 0 ? matches : null;
  },
  assemble(): [] {
    return [];
  },
};
