/** Opens an image source for a parsed reference. */
import { PortcullisError } from '../core/index.js';
import { DockerArchiveSource } from './docker-archive.js';
import { OciLayoutSource } from './layout.js';
import type { ImageReference } from './reference.js';
import { findCredentials, type Credentials } from './registry/credentials.js';
import { RegistrySource } from './registry/source.js';
import type { ImageSource } from './source.js';
import { DirStore, openStore, TarStore } from './store.js';
import { stat } from 'node:fs/promises';

export interface OpenSourceOptions {
  credentials?: Credentials;
  authFile?: string;
  insecure?: boolean;
  userAgent?: string;
}

export async function openImageSource(ref: ImageReference, opts: OpenSourceOptions = {}): Promise<ImageSource> {
  switch (ref.transport) {
    case 'docker': {
      const credentials = findCredentials(ref.ref.registry, { ...(opts.credentials ? { explicit: opts.credentials } : {}), ...(opts.authFile ? { authFile: opts.authFile } : {}) });
      return new RegistrySource(ref.ref, { ...(credentials ? { credentials } : {}), ...(opts.insecure ? { insecure: true } : {}), ...(opts.userAgent ? { userAgent: opts.userAgent } : {}) });
    }
    case 'oci': {
      const st = await stat(ref.path).catch(() => undefined);
      if (!st?.isDirectory()) throw new PortcullisError({ code: 'FILE_NOT_FOUND', message: `OCI layout directory "${ref.path}" does not exist`, hint: 'Check the path, or use oci-archive:FILE for a tarball.' });
      return new OciLayoutSource(new DirStore(ref.path), 'oci', ref.tag);
    }
    case 'oci-archive': {
      const store = await openStore(ref.path);
      if (!(store instanceof TarStore)) throw new PortcullisError({ code: 'USAGE', message: `"${ref.path}" is a directory`, hint: 'Use oci:DIR for an OCI layout directory.' });
      return new OciLayoutSource(store, 'oci-archive', ref.tag);
    }
    case 'docker-archive': {
      const store = await openStore(ref.path);
      if (!(store instanceof TarStore)) throw new PortcullisError({ code: 'USAGE', message: `"${ref.path}" is a directory`, hint: 'docker-archive: expects the tar file written by `docker save`.' });
      return new DockerArchiveSource(store, ref.ref);
    }
    case 'rootfs':
      throw new PortcullisError({ code: 'INTERNAL', message: 'rootfs: is not an image source', hint: 'Report this as a bug.' });
  }
}
