/**
 * Terminal progress for `db import|update`: one bar per source on stderr — bytes while it
 * downloads, then records while it imports. Only on a TTY and never with --quiet; otherwise
 * every callback does nothing.
 */
import cliProgress from 'cli-progress';

export interface FeedProgress {
  /** A source starts (`[2/31] osv:npm`). */
  start(label: string): void;
  onDownload(e: { url: string; bytes: number; total?: number; resumedFrom: number }): void;
  onImport(e: { source: string; done: number; total?: number }): void;
  /** Ends the current bar and clears its line. */
  end(): void;
  /** Whether anything is drawn. */
  readonly active: boolean;
}

function human(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1048576) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1048576).toFixed(1)} MiB`;
}

const NONE: FeedProgress = { start: () => undefined, onDownload: () => undefined, onImport: () => undefined, end: () => undefined, active: false };

export function createFeedProgress(opts: { quiet: boolean; stream?: NodeJS.WriteStream }): FeedProgress {
  const stream = opts.stream ?? process.stderr;
  if (opts.quiet || !stream.isTTY) return NONE;
  let bar: cliProgress.SingleBar | undefined;
  let label = '';
  let phase: 'download' | 'import' | undefined;
  const make = (total: number, payload: Record<string, string>) => {
    bar?.stop();
    bar = new cliProgress.SingleBar({ stream, clearOnComplete: true, hideCursor: true, barsize: 30, fps: 10, format: ' {label} |{bar}| {what}' }, cliProgress.Presets.shades_classic);
    bar.start(Math.max(total, 1), 0, { label, ...payload });
  };
  return {
    active: true,
    start(l) {
      label = l;
      phase = undefined;
    },
    onDownload(e) {
      const total = e.total ?? 0;
      if (phase !== 'download') {
        phase = 'download';
        make(total, { what: '' });
      }
      const what = `${human(e.bytes)}${e.total ? ` / ${human(e.total)}` : ''}${e.resumedFrom ? ` (resumed at ${human(e.resumedFrom)})` : ''}`;
      if (total > 0) bar!.setTotal(total);
      bar!.update(total > 0 ? e.bytes : 0, { what });
    },
    onImport(e) {
      if (phase !== 'import') {
        phase = 'import';
        make(e.total ?? 0, { what: '' });
      }
      bar!.update(e.done, { what: `${e.done} / ${e.total ?? '?'} records` });
    },
    end() {
      bar?.stop();
      bar = undefined;
      phase = undefined;
    },
  };
}
