/** The server's structured JSON log (pino), with credentials redacted wherever they appear. */
import { pino, type DestinationStream, type Logger } from 'pino';

export const REDACT_PATHS = ['authorization', 'headers.authorization', 'req.headers.authorization', 'request.headers.authorization', '*.authorization', 'token', '*.token', 'cookie', '*.cookie'];

export function createLogger(opts: { level?: string; destination?: DestinationStream } = {}): Logger {
  const options = { level: opts.level ?? 'info', base: { service: 'portcullis-server' }, redact: { paths: REDACT_PATHS, censor: '[REDACTED]' }, timestamp: pino.stdTimeFunctions.isoTime };
  return opts.destination ? pino(options, opts.destination) : pino(options);
}
