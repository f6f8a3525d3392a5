// The bound on V8's heap growth the server sets at start (PEERGOV_HEAP_GROWING_PERCENT), and its refusals.
import { describe, expect, it } from 'vitest';
import { boundHeapGrowth, configFromEnv, DEFAULT_HEAP_GROWING_PERCENT } from '../src/server';

describe('the heap growth bound', () => {
  it('defaults to 50 percent, takes a whole number, and 0 leaves the growth to V8', () => {
    expect(DEFAULT_HEAP_GROWING_PERCENT).toBe(50);
    expect(boundHeapGrowth({})).toBe(50);
    expect(boundHeapGrowth({ PEERGOV_HEAP_GROWING_PERCENT: '' })).toBe(50);
    expect(boundHeapGrowth({ PEERGOV_HEAP_GROWING_PERCENT: ' 100 ' })).toBe(100);
    expect(boundHeapGrowth({ PEERGOV_HEAP_GROWING_PERCENT: '0' })).toBeNull();
    boundHeapGrowth({});
  });

  for (const bad of ['-5', '1.5', 'fifty', '1e2', '2000', '50%'])
    it(`refuses ${JSON.stringify(bad)} and says what it takes`, () => {
      expect(() => boundHeapGrowth({ PEERGOV_HEAP_GROWING_PERCENT: bad })).toThrow(
        /PEERGOV_HEAP_GROWING_PERCENT must be a whole number from 0 .* to 1000, not/,
      );
    });
});

describe('the commons loaded ahead of their first visit', () => {
  it('PEERGOV_PREWARM_COMMONS takes 0 (none) or a whole number, and says what is wrong otherwise', () => {
    expect(configFromEnv({}).prewarmCommons).toBeUndefined();
    expect(configFromEnv({ PEERGOV_PREWARM_COMMONS: '0' }).prewarmCommons).toBe(0);
    expect(configFromEnv({ PEERGOV_PREWARM_COMMONS: '5' }).prewarmCommons).toBe(5);
    for (const bad of ['-1', 'some', '2.5'])
      expect(() => configFromEnv({ PEERGOV_PREWARM_COMMONS: bad })).toThrow(
        `PEERGOV_PREWARM_COMMONS must be a whole number (0 or more) (got ${bad})`,
      );
  });
});
