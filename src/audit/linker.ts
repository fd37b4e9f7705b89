/**
 * The chain linker (group commit): takes committed entries from `audit_pending` in id order and
 * appends them to the chain, many per transaction, under one transaction-scoped advisory lock.
 * A pending entry commits with its write, so a crash between the write and the link loses
 * nothing: the next linker (server start, `audit verify`/`export`) links it.
 *
 * Per resource, entry ids follow the order of its writes (a write takes its entry id after the
 * row lock that orders it behind the previous write, and links go in id order among committed
 * entries), so the newest link of a resource is its highest entry id.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import { ADVISORY_LOCKS, type Database } from '../store/index.js';
import { GENESIS_HASH, hashEntry, type HashedFields } from './hash.js';

const BATCH = 5000;

type Db = Kysely<Database> | Transaction<Database>;

interface PendingRow {
  id: string | number;
  at: string;
  actor: string;
  action: string;
  resource: string;
  outcome: string;
  remote: string | null;
  detail: unknown;
  content_hash: string | null;
}

async function linkRound(trx: Transaction<Database>, batch: number): Promise<number> {
  await sql`select pg_advisory_xact_lock(${ADVISORY_LOCKS.auditChain})`.execute(trx);
  const taken = await sql<PendingRow>`delete from audit_pending where id in (select id from audit_pending order by id limit ${batch}) returning *`.execute(trx);
  if (taken.rows.length === 0) return 0;
  const pending = taken.rows.sort((a, b) => Number(a.id) - Number(b.id));
  const head = await trx.selectFrom('audit_head').selectAll().where('id', '=', 1).executeTakeFirst();
  let n = head ? Number(head.n) : 0;
  let prev = head?.hash ?? GENESIS_HASH;
  const rows: Record<string, unknown>[] = [];
  for (const p of pending) {
    n++;
    const detail = typeof p.detail === 'string' ? (JSON.parse(p.detail) as Record<string, unknown>) : (p.detail as Record<string, unknown> | null);
    const rec: HashedFields = {
      n,
      at: p.at,
      actor: p.actor,
      action: p.action,
      resource: p.resource,
      outcome: p.outcome,
      prevHash: prev,
      ...(p.remote !== null ? { remote: p.remote } : {}),
      ...(detail !== null && detail !== undefined ? { detail } : {}),
      entryId: Number(p.id),
      contentHash: p.content_hash,
    };
    const hash = hashEntry(rec);
    rows.push({ n, id: String(p.id), prev_hash: prev, hash });
    prev = hash;
  }
  // Only numbers and hashes travel back: the entry's fields are copied from the pending row taken.
  await sql`insert into audit_log (n, at, actor, action, resource, outcome, remote, detail, prev_hash, hash, entry_id, content_hash)
    select x.n, p.at, p.actor, p.action, p.resource, p.outcome, p.remote, p.detail, x.prev_hash, x.hash, p.id, p.content_hash
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(n bigint, id bigint, prev_hash text, hash text)
    join jsonb_to_recordset(${JSON.stringify(pending.map((p) => ({ ...p, id: String(p.id) })))}::jsonb)
      as p(id bigint, at text, actor text, action text, resource text, outcome text, remote text, detail jsonb, content_hash text) on p.id = x.id`.execute(trx);
  await trx
    .insertInto('audit_head')
    .values({ id: 1, n: String(n), hash: prev })
    .onConflict((oc) => oc.column('id').doUpdateSet({ n: String(n), hash: prev }))
    .execute();
  return pending.length;
}

/** Links every committed pending entry into the chain; returns how many it linked. */
export async function linkPending(db: Db, opts: { batch?: number } = {}): Promise<number> {
  const batch = opts.batch ?? BATCH;
  let total = 0;
  for (;;) {
    let linked: number;
    if (db.isTransaction) linked = await linkRound(db as Transaction<Database>, batch);
    else {
      const any = await sql<{ x: number }>`select 1 as x from audit_pending limit 1`.execute(db);
      if (any.rows.length === 0) return total;
      linked = await (db as Kysely<Database>).transaction().execute((trx) => linkRound(trx, batch));
    }
    total += linked;
    if (linked < batch) return total;
  }
}

export interface AuditLinkerOptions {
  /** How often to look for entries pending from elsewhere (other replicas, a crash). Default 250 ms. */
  pollMs?: number;
  onError?: (err: unknown) => void;
}

/**
 * Links in the background: `kick()` after a write asks for a round soon; rounds repeat while
 * they find work (so a burst of writes is linked in a few large transactions), and a slow poll
 * picks up what other processes left. `stop()` links what remains.
 */
export class AuditLinker {
  private running: Promise<void> | undefined;
  private again = false;
  private scheduled: NodeJS.Timeout | undefined;
  private poll: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly opts: AuditLinkerOptions = {},
  ) {}

  start(): this {
    this.poll ??= setInterval(() => this.kick(), this.opts.pollMs ?? 250);
    this.poll.unref();
    this.kick();
    return this;
  }

  /** A round soon (coalesced with other kicks). */
  kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.scheduled) return;
    this.scheduled = setTimeout(() => {
      this.scheduled = undefined;
      this.running = this.loop().finally(() => {
        this.running = undefined;
      });
    }, 1);
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        await linkPending(this.db);
      } catch (err) {
        this.opts.onError?.(err);
        return;
      }
    } while (this.again);
  }

  /** Links everything committed so far. */
  async flush(): Promise<void> {
    await this.running;
    await linkPending(this.db);
  }

  async stop(): Promise<void> {
    if (this.poll) clearInterval(this.poll);
    if (this.scheduled) clearTimeout(this.scheduled);
    this.poll = this.scheduled = undefined;
    await this.flush();
  }
}
