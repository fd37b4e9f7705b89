/**
 * A parse worker (bundled as `dist/manifest-worker.js`): reads and parses the manifest files it is
 * sent and answers plain data (`ParsedInput`), so large scans parse on every core. `_parse-pool.ts`
 * starts it; the results are exactly those of parsing in the calling thread.
 */
import { parentPort } from 'node:worker_threads';
import { parseManifestFile, type ParseLimits } from './_parse-manifests.js';
import type { ParseRequest, ParseResponse } from './_parse-pool.js';

const port = parentPort;
if (!port) throw new Error('manifest-worker must run in a worker thread');
port.on('message', (req: ParseRequest) => {
  const limits: ParseLimits = req.limits;
  const res: ParseResponse = { id: req.id, results: req.files.map((f) => parseManifestFile(f.path, limits, f.explicit)) };
  port.postMessage(res);
});
