/** `scan --scanners`: which scanners run (`vuln`, `secret`), refusing what the target or format cannot do. */
import { PortcullisError } from '../core/index.js';
import { formatIdsOf, hasFormat } from '../report/index.js';
import { SCANNERS, type ScannerSelection } from '../scan/index.js';

/** Parses `--scanners vuln,secret`, refusing what is not built and what the target or format cannot do. */
export function parseScanners(list: string, opts: { kind: string; format: string }): ScannerSelection {
  const ids = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (ids.length === 0) throw new PortcullisError({ code: 'USAGE', message: 'No scanner given to --scanners', hint: 'Use --scanners vuln, secret or vuln,secret.' });
  for (const s of ids) {
    if (s === 'config') throw new PortcullisError({ code: 'USAGE', message: 'Scanner "config" runs alone', hint: 'Run --scanners config in its own scan, and vuln and/or secret in another.' });
    if (!(SCANNERS as readonly string[]).includes(s)) throw new PortcullisError({ code: 'USAGE', message: `Unknown scanner "${s}"`, hint: 'Use --scanners vuln, secret or vuln,secret.' });
  }
  const sel = { vuln: ids.includes('vuln'), secret: ids.includes('secret') };
  if (sel.secret && opts.kind === 'sbom') throw new PortcullisError({ code: 'USAGE', message: 'An SBOM holds no file contents to scan for secrets', hint: 'Scan the image or directory itself: scan image|fs|rootfs --scanners secret.' });
  if (sel.secret && !hasFormat('secret', opts.format)) throw new PortcullisError({ code: 'USAGE', message: `--format ${opts.format} cannot carry secret findings`, hint: `Use --format ${formatIdsOf('secret').join(', ')} with --scanners secret.` });
  return sel;
}
