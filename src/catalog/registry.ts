/**
 * Every cataloger, in one explicit table (no self-registration). OS detection (`os-release`)
 * always runs and is not listed here.
 */
import { dpkgCataloger } from './dpkg/cataloger.js';
import { npmInstalledCataloger } from './npm/installed.js';
import { npmLockCataloger, pnpmLockCataloger, yarnLockCataloger } from './npm/lockfiles.js';
import type { Cataloger } from './types.js';

export const CATALOGERS: readonly Cataloger[] = [
  dpkgCataloger,
  npmInstalledCataloger,
  npmLockCataloger,
  yarnLockCataloger,
  pnpmLockCataloger,
] as Cataloger[];
