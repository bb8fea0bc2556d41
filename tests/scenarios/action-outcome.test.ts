import { describe, expect, it } from 'vitest';
import { startAction, type ActionEnd } from '../../scenarios/action-outcome.js';
import { until } from '../helpers/until.js';

/** Records every end reported, to check each action is counted exactly once. */
function recorder() {
  const ends: ActionEnd[] = [];
  return { ends, onEnd: (e: ActionEnd) => ends.push(e) };
}

describe('startAction: an action is done only when it succeeded within its real-time time-out', () => {
  it('settled in time: counted once with its own end; later settles are ignored', () => {
    const r = recorder();
    const a = startAction(r.onEnd, 60_000);
    a.settle('done');
    a.settle('failed');
    expect(r.ends).toEqual(['done']);
    expect(a.settled).toBe(true);
  });

  it('no outcome before the time-out: counted as timed out, and a late success does not turn it into done', async () => {
    const r = recorder();
    const a = startAction(r.onEnd, 20);
    await until('the time-out to fire', () => r.ends.length > 0, 5_000);
    a.settle('done'); // the ack that came too late
    expect(r.ends).toEqual(['timed-out']);
  });

  it('a failure in time is failed, not timed out', async () => {
    const r = recorder();
    const a = startAction(r.onEnd, 50);
    a.settle('failed');
    // A witness started after it with the same time-out: once it has timed out, so would have the first.
    const w = recorder();
    startAction(w.onEnd, 50);
    await until('the witness to time out', () => w.ends.length > 0, 5_000);
    expect(r.ends).toEqual(['failed']);
  });
});
