/** A PHP project's own composer.json (name and version), table-driven. */
import { describe, expect, it } from 'vitest';
import { runCatalogers } from '../testing.js';
import { composerLockCataloger } from './cataloger.js';
import { composerProjectCataloger, parseComposerJson } from './project.js';

describe('composer.json of the project', () => {
  it.each([
    ['name and version', { name: 'Acme/Shop', version: 'v1.2.0', license: 'MIT' }, { name: 'acme/shop', version: '1.2.0', licenses: ['MIT'] }],
    ['license list', { name: 'acme/shop', version: '2.0.0', license: ['MIT', 'GPL-3.0-or-later'] }, { name: 'acme/shop', version: '2.0.0', licenses: ['MIT', 'GPL-3.0-or-later'] }],
    ['no version (the usual case): version only the VCS knows', { name: 'laravel/laravel', type: 'project' }, null],
    ['no vendor in the name', { name: 'shop', version: '1.0.0' }, null],
    ['no name', { version: '1.0.0' }, null],
  ] as const)('%s', (_name, doc, want) => {
    expect(parseComposerJson(JSON.stringify(doc))).toEqual(want);
  });

  it('reported once, marked, with its layer; vendor/ manifests are the dependencies’ own', () => {
    const lock = JSON.stringify({ packages: [{ name: 'psr/log', version: '3.0.0', license: ['MIT'] }] });
    const r = runCatalogers(
      [[{ path: 'var/www/composer.lock', content: lock }, { path: 'var/www/vendor/psr/log/composer.json', content: JSON.stringify({ name: 'psr/log', version: '3.0.0' }) }], [{ path: 'var/www/composer.json', content: JSON.stringify({ name: 'acme/shop', version: '1.2.0' }) }]],
      [composerProjectCataloger, composerLockCataloger],
    );
    expect(r.packages.map((p) => `${p.purl} ${p.foundBy} ${p.locations[0]!.path}@${Number(p.locations[0]!.layerDiffId!.slice(-2))} ${JSON.stringify(p.metadata ?? {})}`).sort()).toEqual([
      'pkg:composer/acme/shop@1.2.0 composer-project /var/www/composer.json@1 {"application":"true"}',
      'pkg:composer/psr/log@3.0.0 composer-lock /var/www/composer.lock@0 {}',
    ]);
  });
});
