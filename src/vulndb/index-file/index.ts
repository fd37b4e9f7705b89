/** The advisory index file: written at import time, read by scans without starting the database. */
export { buildAdvisoryIndex, storeGeneration } from './build.js';
export { INDEX_FILE, indexPathOf } from './files.js';
export { IndexUnusable, FORMAT_VERSION, type IndexHeader } from './format.js';
export { INDEX_ENV, openAdvisorySource, openCurrentIndex, type AdvisorySource, type OpenAdvisoryOptions } from './open.js';
export { AdvisoryIndexFile } from './read.js';
export { ensureCurrentIndex, withIndexRefresh, type IndexState } from './refresh.js';
