import { beforeAll, describe, it, expect } from 'vitest';
describe('hook fails', () => {
  beforeAll(() => {
    throw new Error('fixture build failed');
  });
  it('x', () => expect(1).toBe(1));
  it('y', () => {});
});
describe('ok', () => {
  it('z', () => {});
});
