/**
 * Terminal progress for layer reads: one bar per layer (bytes read / total) on stderr, only on a
 * TTY and never with --quiet.
 */
import cliProgress from 'cli-progress';
import type { ProgressEvent, ProgressListener } from '../scan/index.js';
import { humanBytes } from '../report/index.js';

export interface ProgressRenderer {
  listener: ProgressListener;
  stop(): void;
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
      formatValue: (v, _o, type) => (type === 'value' || type === 'total' ? humanBytes(v) : String(v)),
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
        bars.set(e.index, multi.create(total, 0, { index: e.index, done: humanBytes(0), total: humanBytes(total), state: '' }));
        break;
      }
      case 'layer-bytes': {
        const bar = bars.get(e.index);
        if (bar) {
          bar.increment(e.bytes);
          const value = bar.getProgress() * bar.getTotal();
          bar.update({ done: humanBytes(value), total: humanBytes(bar.getTotal()) });
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
