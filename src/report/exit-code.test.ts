import { describe, expect, it } from 'vitest';
import { exitStatusFor, parseExitCode } from './exit-code.js';

describe('parseExitCode', () => {
  it.each([
    ['0', 0],
    ['1', 1],
    ['5', 5],
    ['255', 255],
  ])('accepts %j as %i', (raw, n) => {
    expect(parseExitCode(raw)).toBe(n);
  });

  it.each(['256', '-1', '1.5', 'x', 'NaN', 'Infinity', '1e3'])('refuses %j with USAGE', (raw) => {
    expect(() => parseExitCode(raw)).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });
});

describe('exitStatusFor', () => {
  it.each([
    { failed: true, exitCode: 5, status: 5 },
    { failed: false, exitCode: 5, status: 0 },
    { failed: true, exitCode: 0, status: 0 },
    { failed: false, exitCode: 0, status: 0 },
  ])('failed $failed, --exit-code $exitCode: $status', ({ failed, exitCode, status }) => {
    expect(exitStatusFor({ failed, exitCode })).toBe(status);
  });
});
