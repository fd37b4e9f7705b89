/** Normalised advisory data, whatever the source. */
import type { FixState } from '../core/index.js';

/** A distribution's statement about one vulnerability in one source package of one release. */
export interface OsAdvisory {
  /** CVE or distribution id (`CVE-2023-4911`). */
  id: string;
  /** `debian`, `alpine`, … (os-release ID). */
  distro: string;
  /** Release as the source names it (`bookworm`, `v3.19`). */
  release: string;
  /** Source package (Debian) or package (Alpine origin). */
  package: string;
  state: FixState;
  fixedVersion?: string;
  /** Vendor rating (`low`, `medium`, `high`, `unimportant`, …). */
  severity?: string;
  description?: string;
  /** Where this record came from (`debian-tracker`, `alpine-secdb`). */
  source: string;
}
