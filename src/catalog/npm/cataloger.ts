/**
 * The JavaScript catalogers: installed `node_modules` packages and npm, yarn and pnpm lockfiles.
 * How they share a project that has both a lock and an installed tree is described in
 * lockfiles.ts.
 */
export { npmInstalledCataloger } from './installed.js';
export { npmLockCataloger, pnpmLockCataloger, yarnLockCataloger } from './lockfiles.js';
