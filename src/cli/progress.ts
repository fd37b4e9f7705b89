/**
 * Terminal progress for layer reads: one bar per layer (bytes read / total) on stderr, only on a
 * TTY and never with --quiet.
 */
import cliProgress from 'cli-progress';
import type { ProgressEvent, ProgressListener } from '../scan/index.js';

export interface ProgressRenderer {
  listener: ProgressListener;
  stop(): void;
}

function human(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = -1;
  do {
    v /= 1024;
    u++;
  } while (v >= 1024 && u < units.length - 1);
  return `${v.toFixed(1)} ${units[u]}`;
}

export function createProgress(opts: { quiet: boolean; stream?: NodeJS.WriteStream }): ProgressRenderer {
  const stream = opts.stream ?? process.stderr;
  if (opts.quiet || !stream.isTTY) return { listener: () => undefined, stop: () => undefined };
  const multi = new cliProgress.MultiBar(
    {
      stream,
      clearOnComplete: true,
      hideCursor: true,
      format: ' layer {index} |{bar}| {done} / {total} {state}',
      formatValue: (v, _o, type) => (type === 'value' || type === 'total' ? human(v) : String(v)),
      barsize: 30,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<number, cliProgress.SingleBar>();
  const totals = new Map<number, number>();
  const listener = (e: ProgressEvent) => {
    switch (e.type) {
      case 'resolved':
        for (const l of e.layers) totals.set(l.index, l.size ?? 0);
        break;
      case 'layer-start': {
        const total = e.size ?? totals.get(e.index) ?? 0;
        bars.set(e.index, multi.create(total, 0, { index: e.index, done: human(0), total: human(total), state: '' }));
        break;
      }
      case 'layer-bytes': {
        const bar = bars.get(e.index);
        if (bar) {
          bar.increment(e.bytes);
          const value = bar.getProgress() * bar.getTotal();
          bar.update({ done: human(value), total: human(bar.getTotal()) });
        }
        break;
      }
      case 'layer-done': {
        const bar = bars.get(e.index);
        if (bar) {
          bar.update(bar.getTotal(), { state: 'done' });
          bar.stop();
        }
        break;
      }
      case 'rootfs-file':
        break;
    }
  };
  return { listener, stop: () => multi.stop() };
}
