/**
 * The project's own package: a `package.json` with a name and a version outside any
 * `node_modules` (`app/package.json`, `usr/src/app/package.json`). Syft and Trivy report it too;
 * here it is marked `metadata.application = "true"` so a reader can tell the application from
 * its dependencies, and it depends on the packages its manifest names that are installed beside it.
 *
 * Left out: manifests under the system's library and data directories (`usr/lib`, `usr/share`,
 * `lib`, …), where distributions install their own JavaScript packages (Debian's
 * `usr/share/nodejs/<name>/package.json`): those are the OS packages' files, already reported
 * by the OS cataloger, not an application.
 */
import { inNodeModules } from './common.js';
import { isFileNamed } from './lockfiles.js';

const SYSTEM_DIRS = ['usr/lib/', 'usr/lib64/', 'usr/libexec/', 'usr/share/', 'lib/', 'lib64/', 'proc/', 'sys/'];

/** Metadata key (and CycloneDX property `portcullis:metadata:application`) of an application package. */
export const APPLICATION_KEY = 'application';

/** Whether `path` is a project manifest: `package.json` outside node_modules and the system directories. */
export function isApplicationManifest(path: string): boolean {
  if (!isFileNamed(path, 'package.json') || inNodeModules(path)) return false;
  return !SYSTEM_DIRS.some((d) => path.startsWith(d));
}
