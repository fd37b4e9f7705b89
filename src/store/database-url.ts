/** `--database-url` checked before any connection attempt: a PostgreSQL URL, or an input error. */
import { PortcullisError, redactUrl } from '../core/index.js';


export function checkDatabaseUrl(url: string): void {
  const bad = (why: string) =>
    new PortcullisError({
      code: 'DATABASE_URL_INVALID',
      message: `Invalid --database-url "${redactUrl(url)}": ${why}`,
      hint: 'Use postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE (or postgresql://…; socket:/run/postgresql?db=NAME for a Unix socket), or omit it to use the embedded database.',
    });
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw bad('not a URL');
  }
  if (u.protocol === 'socket:') {
    if (!u.pathname) throw bad('a socket: URL needs the socket directory');
    return;
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') throw bad(`the scheme is "${u.protocol.replace(/:$/, '')}", not postgres or postgresql`);
  // A host is needed, unless given as ?host=/socket/dir.
  if (!u.hostname && !u.searchParams.get('host')) throw bad('no host');
  if (u.port && !(Number(u.port) > 0 && Number(u.port) < 65536)) throw bad(`port ${u.port} is out of range`);
}
