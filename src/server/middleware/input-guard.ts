/**
 * Hostile-input guards of the HTTP API, before anything reaches the store: every path segment and
 * query parameter must be valid percent-encoded UTF-8 that PostgreSQL text can hold (no NUL, no
 * lone surrogates), and a JSON body must be valid UTF-8, parse, nest at most MAX_JSON_DEPTH levels
 * and hold only storable strings and keys. Each refusal is a 400 (TEXT_INVALID, REQUEST_TOO_DEEP,
 * METADATA_INVALID) whose message names the field.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { PortcullisError } from '../../core/index.js';
import { checkJson, checkStorable } from '../../metadata/index.js';

function notUtf8(where: string): PortcullisError {
  return new PortcullisError({
    code: 'TEXT_INVALID',
    message: `${where} is not valid percent-encoded UTF-8`,
    hint: 'Percent-encode the UTF-8 bytes of the text (encodeURIComponent).',
  });
}

function decodePart(raw: string, where: () => string, plusIsSpace: boolean): string {
  try {
    return decodeURIComponent(plusIsSpace ? raw.replace(/\+/g, ' ') : raw);
  } catch {
    throw notUtf8(where());
  }
}

/** What the segment after each collection of a Grafeas path names. */
const PATH_LABELS: Record<string, string> = {
  projects: 'project',
  locations: 'location',
  notes: 'note id',
  occurrences: 'occurrence id',
};

/** Checks the path segments and query parameters of a request URL (throws; pure). */
export function checkUrl(url: URL): void {
  const segments = url.pathname.split('/');
  segments.forEach((raw, i) => {
    const label = i > 0 ? PATH_LABELS[segments[i - 1]!] : undefined;
    const where = () => (label ? `The ${label} in the path` : `Path segment "${raw.slice(0, 80)}"`);
    checkStorable(where(), decodePart(raw, where, false));
  });
  const query = url.search.replace(/^\?/, '');
  if (query === '') return;
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const rawKey = eq < 0 ? pair : pair.slice(0, eq);
    const key = decodePart(rawKey, () => `A query parameter name ("${rawKey.slice(0, 80)}")`, true);
    checkStorable(`A query parameter name ("${rawKey.slice(0, 80)}")`, key);
    const where = () => `Query parameter "${key}"`;
    if (eq >= 0) checkStorable(where(), decodePart(pair.slice(eq + 1), where, true));
  }
}

/** Middleware: checkUrl on every request (a refusal goes to the app's error handler: 400). */
export function urlGuard(): MiddlewareHandler {
  return async (c, next) => {
    checkUrl(new URL(c.req.url));
    await next();
  };
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Parses a request body as JSON, refusing what the store could not hold. */
export function parseJsonBody(bytes: Uint8Array): unknown {
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    throw new PortcullisError({ code: 'TEXT_INVALID', message: 'The request body is not valid UTF-8' });
  }
  if (text.trim() === '')
    throw new PortcullisError({ code: 'METADATA_INVALID', message: 'The request needs a JSON body' });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new PortcullisError({
      code: 'METADATA_INVALID',
      message: `The request body is not valid JSON: ${(err as Error).message}`,
    });
  }
  checkJson(value);
  return value;
}

/** The request's body, parsed and checked (parseJsonBody). */
export async function readJsonBody(c: Context): Promise<unknown> {
  return parseJsonBody(new Uint8Array(await c.req.arrayBuffer()));
}
