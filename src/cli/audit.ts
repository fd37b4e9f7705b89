/** `portcullis audit verify|export`: the hash-chained audit log. */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { Command } from 'commander';
import { PortcullisError } from '../core/index.js';
import { readAudit, verifyAudit } from '../audit/index.js';
import { openStoreOrServer } from './admin-client.js';
import { addStoreOptions, type StoreFlags } from './store-options.js';

function parseAnchor(s: string): { n: number; hash: string } {
  const m = /^(\d+):([0-9a-f]{64})$/.exec(s.trim());
  if (!m) throw new PortcullisError({ code: 'USAGE', message: `Invalid --anchor "${s}"`, hint: 'Use N:HASH as printed by an earlier `audit verify` (e.g. 42:3f…), the entry number and its 64-hex SHA-256.' });
  return { n: Number(m[1]), hash: m[2]! };
}

export function auditCommand(): Command {
  const audit = new Command('audit').description('The tamper-evident audit log of the metadata server: verify the hash chain, export entries');

  const verify = new Command('verify')
    .description('Check every entry of the audit log: altered, inserted and deleted entries (also at the end) are reported with their numbers; exits 1 when the log was tampered with')
    .option('--anchor <n:hash>', 'also require entry N to have this hash (kept from an earlier verify), catching a log rewritten whole')
    .option('--format <format>', 'table or json', 'table');
  addStoreOptions(verify);
  verify.action(async (flags: StoreFlags & { anchor?: string; format: string }) => {
    const anchor = flags.anchor ? parseAnchor(flags.anchor) : undefined;
    // Through the running server when one owns the embedded data directory.
    const opened = await openStoreOrServer(flags);
    try {
      const r = opened.server ? await opened.server.verifyAudit(anchor) : await verifyAudit(opened.store.db, anchor ? { anchor } : {});
      if (flags.format === 'json') process.stdout.write(JSON.stringify(r, null, 2) + '\n');
      else if (r.ok) process.stdout.write(`ok: ${r.entries} entries, chain intact${r.head ? `; head ${r.head.n}:${r.head.hash}` : ''}\n`);
      else {
        process.stdout.write(`TAMPERED: ${r.problems.length} problem(s) in ${r.entries} entries\n`);
        for (const p of r.problems) process.stdout.write(`  entry ${p.n}: ${p.kind}: ${p.message}\n`);
      }
      if (!r.ok) process.exitCode = 1;
    } finally {
      await opened.store?.close();
    }
  });

  const exp = new Command('export')
    .description('Write the audit log as JSON lines (one entry per line, oldest first, with n, at, actor, action, resource, outcome, remote, detail, prevHash, hash)')
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .option('--since <n>', 'only entries after number N', '0');
  addStoreOptions(exp);
  exp.action(async (flags: StoreFlags & { output?: string; since: string }) => {
    const since = Number(flags.since);
    if (!Number.isInteger(since) || since < 0) throw new PortcullisError({ code: 'USAGE', message: `Invalid --since "${flags.since}"`, hint: 'Use an entry number, 0 for all.' });
    const opened = await openStoreOrServer(flags);
    const out = flags.output ? createWriteStream(flags.output) : process.stdout;
    try {
      if (opened.server) {
        for await (const chunk of await opened.server.exportAudit(since)) {
          if (!out.write(chunk)) await once(out, 'drain');
        }
      } else
        for await (const r of readAudit(opened.store.db, { since })) {
          if (!out.write(JSON.stringify(r) + '\n')) await once(out, 'drain');
        }
    } finally {
      await opened.store?.close();
      if (flags.output) {
        (out as ReturnType<typeof createWriteStream>).end();
        await once(out, 'close');
      }
    }
  });

  audit.addCommand(verify.exitOverride());
  audit.addCommand(exp.exitOverride());
  return audit;
}
