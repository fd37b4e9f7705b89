/**
 * `db update` without an export: refresh every imported source from where it came, and with no
 * prior import (or when asked) fetch the default public feeds (`sources/defaults.ts`), from their
 * public locations or an internal mirror of the same layout. Each source is its own transaction:
 * one that fails keeps its previous data, and the others go on.
 */
import { PortcullisError } from '../core/index.js';
import type { Store } from '../store/index.js';
import { importInput, type ImportInputOptions, type ImportReport } from './import.js';
import { DEFAULT_SOURCES, defaultSourceById, sourceUrl } from './sources/defaults.js';

export interface UpdateItem {
  /** Source id in the store. */
  id: string;
  /** URL or path to fetch. */
  input: string;
  /** For a default feed: the kind of data its location must hold. */
  expectKind?: ImportReport['kind'];
}

export interface PlanOptions {
  /** Base URL of a mirror holding the default feeds in the documented layout. */
  mirror?: string;
  /** Add the default feeds that are not imported yet, even when other sources are. */
  defaultSources?: boolean;
}

/** Checks a `--mirror` value: an http(s) URL. */
export function checkMirror(mirror: string): string {
  let u: URL;
  try {
    u = new URL(mirror);
  } catch {
    throw new PortcullisError({ code: 'USAGE', message: `Invalid mirror "${mirror}": not a URL`, hint: 'Pass the base URL of the mirror, e.g. --mirror https://mirror.example/portcullis' });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new PortcullisError({ code: 'USAGE', message: `Invalid mirror "${mirror}": only http and https are supported`, hint: 'Serve the mirror directory with a web server, e.g. --mirror https://mirror.example/portcullis' });
  return mirror;
}

/** What to fetch: every source in the store (default feeds at their current location) plus, when asked or when the store is empty, the default feeds. */
export async function planUpdate(store: Store, opts: PlanOptions = {}): Promise<UpdateItem[]> {
  const rows = await store.db.selectFrom('advisory_sources').select(['id', 'location']).orderBy('id').execute();
  const items: UpdateItem[] = [];
  const seen = new Set<string>();
  const add = (item: UpdateItem) => {
    if (seen.has(item.input)) return;
    seen.add(item.input);
    items.push(item);
  };
  // A source with a default feed's id came from that feed when its location is the feed's public
  // URL or its path under some mirror; one imported from a file or another URL stays where it is.
  const fromFeed = (r: { id: string; location: string }) => {
    const d = defaultSourceById(r.id);
    return !!d && (r.location === d.url || (/^https?:\/\//i.test(r.location) && r.location.endsWith(`/${d.mirrorPath}`)));
  };
  const fed = new Set(rows.filter(fromFeed).map((r) => r.id));
  const ids = new Set(rows.map((r) => r.id));
  const withDefaults = rows.length === 0 || !!opts.defaultSources;
  for (const d of DEFAULT_SOURCES) if (fed.has(d.id) || (withDefaults && !ids.has(d.id))) add({ id: d.id, input: sourceUrl(d, opts.mirror), expectKind: d.kind });
  for (const r of rows) if (!fed.has(r.id)) add({ id: r.id, input: r.location });
  return items;
}

export interface UpdateOutcome {
  reports: ImportReport[];
  failed: { id: string; input: string; error: PortcullisError }[];
}

/** Fetches and imports every item; a failed one is reported and keeps its data. */
export async function runUpdate(store: Store, items: UpdateItem[], opts: ImportInputOptions & { onItem?: (item: UpdateItem, index: number) => void; onResult?: (r: ImportReport[] | PortcullisError, item: UpdateItem) => void }): Promise<UpdateOutcome> {
  const out: UpdateOutcome = { reports: [], failed: [] };
  for (const [i, item] of items.entries()) {
    opts.onItem?.(item, i);
    try {
      const reports = await importInput(store, item.input, { ...opts, sourceId: item.id, ...(item.expectKind ? { expectKind: item.expectKind } : {}) });
      out.reports.push(...reports);
      opts.onResult?.(reports, item);
    } catch (err) {
      if (!(err instanceof PortcullisError)) throw err;
      out.failed.push({ id: item.id, input: item.input, error: err });
      opts.onResult?.(err, item);
    }
  }
  return out;
}
