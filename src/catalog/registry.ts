/**
 * Every cataloger, in one explicit table (no self-registration). OS detection (`os-release`)
 * always runs and is not listed here.
 */
import { dpkgCataloger } from './dpkg/cataloger.js';
import { npmInstalledCataloger } from './npm/installed.js';
import { npmLockCataloger, pnpmLockCataloger, yarnLockCataloger } from './npm/lockfiles.js';
import { pythonInstalledCataloger } from './python/installed.js';
import { pythonLockCataloger } from './python/lockfiles.js';
import { javaArchiveCataloger } from './java/cataloger.js';
import { goBinaryCataloger, goModCataloger } from './go/cataloger.js';
import type { Cataloger } from './types.js';

export const CATALOGERS: readonly Cataloger[] = [
  dpkgCataloger,
  npmInstalledCataloger,
  npmLockCataloger,
  yarnLockCataloger,
  pnpmLockCataloger,
  pythonInstalledCataloger,
  pythonLockCataloger,
  javaArchiveCataloger,
  goBinaryCataloger,
  goModCataloger,
] as Cataloger[];
