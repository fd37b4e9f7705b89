/**
 * Name and version from a Java archive's file name (`jackson-core-2.14.1.jar`), the last resort
 * when an archive carries no Maven metadata and no versioned manifest.
 */

/** A version: digits first, then dot/dash/underscore/plus separated alphanumeric parts. */
const VERSION = /^\d+(?:\.\d+)*(?:[._+-][0-9A-Za-z]+)*$/;
/** A version that continues with another `-<digits>.<digits>` after a word is really part of the name (`log4j-1.2-api-2.19.0`). */
const NAME_THEN_VERSION = /[A-Za-z][0-9A-Za-z]*-\d+\.\d+/;

export interface FileNameParts {
  /** File name without directory and extension. */
  stem: string;
  name: string;
  version?: string;
}

export function nameVersionFromFile(path: string): FileNameParts {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  const stem = dot > 0 ? base.slice(0, dot) : base;
  for (let i = stem.indexOf('-'); i > 0; i = stem.indexOf('-', i + 1)) {
    const rest = stem.slice(i + 1);
    if (!/^\d/.test(rest) || !VERSION.test(rest) || NAME_THEN_VERSION.test(rest)) continue;
    return { stem, name: stem.slice(0, i), version: rest };
  }
  return { stem, name: stem };
}
