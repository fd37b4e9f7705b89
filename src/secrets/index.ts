/**
 * Secret detection: the rule table and the scanner over file contents, with redaction of what it
 * finds.
 *
 * The module's public surface: other modules import it through this file only.
 */
export { secretCataloger } from './cataloger.js';
export { redactSecrets, scanSecrets } from './scan.js';
