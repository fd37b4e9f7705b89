/** The line `scan --push` prints on stderr before each retry. */
import { describe, expect, it } from 'vitest';
import { retryLine } from './push.js';

describe('retryLine', () => {
  it.each([
    [2000, '503', 'push to https://m.example: retrying in 2 s: 503'],
    [250, 'ECONNREFUSED', 'push to https://m.example: retrying in 0.3 s: ECONNREFUSED'],
    [1500, '429', 'push to https://m.example: retrying in 1.5 s: 429'],
    [12_345, '502', 'push to https://m.example: retrying in 12 s: 502'],
  ])('%s ms after %s', (waitMs, reason, want) => expect(retryLine('https://m.example', { attempt: 1, waitMs, reason })).toBe(want));
});
