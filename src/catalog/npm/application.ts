/**
 * The project's own package: a `package.json` with a name and a version outside any
 * `node_modules` (`app/package.json`, `usr/src/app/package.json`) and outside the system
 * directories (see ../application.ts). It depends on the packages its manifest names (dev ones
 * included) that are installed beside it.
 */
import { isSystemPath } from '../application.js';
import { inNodeModules } from './common.js';
import { isFileNamed } from './lockfiles.js';

export { APPLICATION_KEY } from '../application.js';

/** Whether `path` is a project manifest: `package.json` outside node_modules and the system directories. */
export function isApplicationManifest(path: string): boolean {
  return isFileNamed(path, 'package.json') && !inNodeModules(path) && !isSystemPath(path);
}
