/**
 * Every cataloger, in one explicit table (no self-registration). OS detection (`os-release`)
 * always runs and is not listed here.
 */
import { dpkgCataloger } from './dpkg/cataloger.js';
import { npmInstalledCataloger } from './npm/installed.js';
import { npmLockCataloger, pnpmLockCataloger, yarnLockCataloger } from './npm/lockfiles.js';
import { pythonInstalledCataloger } from './python/installed.js';
import { pythonLockCataloger } from './python/lockfiles.js';
import { pythonProjectCataloger } from './python/project.js';
import { javaArchiveCataloger } from './java/cataloger.js';
import { mavenProjectCataloger } from './java/project.js';
import { goBinaryCataloger, goModCataloger } from './go/cataloger.js';
import { apkCataloger } from './apk/cataloger.js';
import { composerInstalledCataloger, composerLockCataloger } from './php/cataloger.js';
import { composerProjectCataloger } from './php/project.js';
import { gemfileLockCataloger, gemInstalledCataloger } from './ruby/cataloger.js';
import { cargoLockCataloger } from './rust/cataloger.js';
import { rpmCataloger } from './rpm/cataloger.js';
import type { Cataloger } from './types.js';

export const CATALOGERS: readonly Cataloger[] = [
  dpkgCataloger,
  apkCataloger,
  rpmCataloger,
  npmInstalledCataloger,
  npmLockCataloger,
  yarnLockCataloger,
  pnpmLockCataloger,
  pythonInstalledCataloger,
  pythonLockCataloger,
  pythonProjectCataloger,
  javaArchiveCataloger,
  mavenProjectCataloger,
  goBinaryCataloger,
  goModCataloger,
  cargoLockCataloger,
  gemfileLockCataloger,
  gemInstalledCataloger,
  composerLockCataloger,
  composerInstalledCataloger,
  composerProjectCataloger,
] as Cataloger[];
