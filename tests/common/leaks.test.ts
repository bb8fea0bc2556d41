import { describe, expect, it } from 'vitest';
import { LEAK_IDS, LEAKS, LeakSpecError, leaksForSide, parseLeaks } from '../../common/leaks.js';

describe('parseLeaks', () => {
  it('reads none, all and lists in catalogue order', () => {
    expect(parseLeaks(undefined)).toEqual([]);
    expect(parseLeaks('none')).toEqual([]);
    expect(parseLeaks('all')).toEqual([...LEAK_IDS]);
    expect(parseLeaks('intervals, im-listeners,intervals')).toEqual(['im-listeners', 'intervals']);
  });

  it('names unknown ids with a stable code', () => {
    try {
      parseLeaks('im-listeners,heap-bloat');
      expect.unreachable('parseLeaks accepted an unknown id');
    } catch (error) {
      expect(error).toBeInstanceOf(LeakSpecError);
      expect((error as LeakSpecError).code).toBe('ERR_LEAK_SPEC');
      expect((error as Error).message).toContain('heap-bloat');
    }
  });
});

describe('catalogue', () => {
  it('has one entry per id, seeds 1 to 6', () => {
    expect(Object.keys(LEAKS).sort()).toEqual([...LEAK_IDS].sort());
    expect(LEAK_IDS.map((id) => LEAKS[id].seed).sort()).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('splits switches by side, a both-sided leak on each', () => {
    expect(leaksForSide([...LEAK_IDS], 'server')).toEqual(['presence-maps', 'db-per-event', 'intervals']);
    expect(leaksForSide([...LEAK_IDS], 'client')).toEqual([
      'im-listeners',
      'drag-listeners',
      'intervals',
      'socket-no-disconnect',
    ]);
  });
});
