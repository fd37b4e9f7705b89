/**
 * Options shared by every SBOM and report writer. The clock and the serial are injectable so
 * that golden files are byte-for-byte stable.
 */
import { randomUUID } from 'node:crypto';
import { PortcullisError } from '../core/index.js';

export interface SbomWriterOptions {
  /** Version of Portcullis, recorded as the producing tool. */
  toolVersion: string;
  /** Creation time; defaults to now. */
  now?: Date;
  /** RFC 4122 UUID for the CycloneDX `serialNumber` and the SPDX `documentNamespace`; random by default. */
  serial?: string;
}

export interface ResolvedWriterOptions {
  toolVersion: string;
  /** UTC, whole seconds, `Z` suffix: the only form SPDX 2.3 accepts. */
  timestamp: string;
  serial: string;
}

// The pattern CycloneDX 1.6 demands of `serialNumber` after `urn:uuid:`.
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$/;

/** Resolves defaults once; throws `USAGE` for a serial that is not a UUID. */
export function resolveWriterOptions(opts: SbomWriterOptions): ResolvedWriterOptions {
  const serial = opts.serial ?? randomUUID();
  if (!UUID.test(serial)) {
    throw new PortcullisError({
      code: 'USAGE',
      message: `Serial "${serial}" is not an RFC 4122 UUID`,
      hint: 'Pass a UUID such as 3c2e8d1a-5b7f-4a8e-9c3d-1f2e3a4b5c6d.',
    });
  }
  const now = opts.now ?? new Date();
  if (Number.isNaN(now.getTime()))
    throw new PortcullisError({ code: 'USAGE', message: 'The creation time is not a valid date' });
  return {
    toolVersion: opts.toolVersion,
    timestamp: now.toISOString().replace(/\.\d+Z$/, 'Z'),
    serial: serial.toLowerCase(),
  };
}
