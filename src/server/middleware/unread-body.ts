/**
 * A request answered before its body was read (401, 403, 404, a refused URL, …) leaves that body
 * in the connection. The Node adapter then gives it a short time to drain and destroys the socket,
 * while the response said `keep-alive`: the client's next request on the connection fails with
 * "other side closed". This middleware reads (and discards) such a body up to the body limit
 * before the response goes out, so the connection stays usable; past the limit it answers with
 * `Connection: close` instead, so the client knows not to reuse it.
 */
import type { MiddlewareHandler } from 'hono';

export function settleUnreadBody(maxBytes: number): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const raw = c.req.raw;
    if (!raw.body || raw.bodyUsed) return;
    const declared = Number(c.req.header('content-length') ?? NaN);
    let fits = !(declared > maxBytes);
    if (fits) {
      const reader = raw.body.getReader();
      let total = 0;
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          total += value.byteLength;
          if (total > maxBytes) {
            fits = false;
            await reader.cancel();
            break;
          }
        }
      } catch {
        fits = false;
      }
    }
    if (!fits) c.res.headers.set('Connection', 'close');
  };
}
