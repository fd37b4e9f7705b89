import { describe, expect, it } from 'vitest';
import { useColor } from './color.js';

describe('useColor', () => {
  it.each([
    { name: 'a terminal', tty: true, env: {}, color: true },
    { name: 'a pipe', tty: false, env: {}, color: false },
    { name: 'a terminal, output to a file', tty: true, env: {}, output: 'report.txt', color: false },
    { name: 'a terminal, -o -', tty: true, env: {}, output: '-', color: false },
    { name: 'NO_COLOR=1 on a terminal', tty: true, env: { NO_COLOR: '1' }, color: false },
    { name: 'NO_COLOR empty on a terminal', tty: true, env: { NO_COLOR: '' }, color: true },
    { name: 'NO_COLOR wins over FORCE_COLOR', tty: true, env: { NO_COLOR: '1', FORCE_COLOR: '1' }, color: false },
    { name: 'FORCE_COLOR=1 on a pipe', tty: false, env: { FORCE_COLOR: '1' }, color: true },
    { name: 'FORCE_COLOR empty on a pipe', tty: false, env: { FORCE_COLOR: '' }, color: true },
    { name: 'FORCE_COLOR=true on a pipe', tty: false, env: { FORCE_COLOR: 'true' }, color: true },
    { name: 'FORCE_COLOR=0 on a terminal', tty: true, env: { FORCE_COLOR: '0' }, color: false },
    { name: 'FORCE_COLOR=false on a terminal', tty: true, env: { FORCE_COLOR: 'false' }, color: false },
    { name: 'FORCE_COLOR=1 with output to a file', tty: true, env: { FORCE_COLOR: '1' }, output: 'r.json', color: false },
    { name: 'TERM=dumb on a terminal', tty: true, env: { TERM: 'dumb' }, color: false },
    { name: 'TERM=dumb with FORCE_COLOR=1', tty: false, env: { TERM: 'dumb', FORCE_COLOR: '1' }, color: true },
    { name: 'CI=true on a pipe', tty: false, env: { CI: 'true' }, color: false },
  ])('$name: $color', ({ tty, env, output, color }) => {
    expect(useColor({ isTTY: tty }, { env, ...(output ? { output } : {}) })).toBe(color);
  });
});
