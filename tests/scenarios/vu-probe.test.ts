import { describe, expect, it } from 'vitest';
import { emptyLoadTotals } from '../../scenarios/counts.js';
import { newHistogram } from '../../scenarios/latency.js';
import { VuProbe } from '../../scenarios/vu-probe.js';

/** Whether `p` has settled after the microtasks queued so far have run. */
async function isSettled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  void p.then(() => (done = true));
  await new Promise((r) => setImmediate(r));
  return done;
}

describe('VuProbe.sendsSettled (a link-dropping gesture waits for the IMs in flight)', () => {
  it('waits until every send so far is acked or failed, and not for later sends', async () => {
    const latency = newHistogram();
    const probe = new VuProbe(emptyLoadTotals(), latency);
    expect(await isSettled(probe.sendsSettled())).toBe(true); // nothing in flight
    probe.messageSent('a');
    probe.messageSent('b');
    const waiting = probe.sendsSettled();
    probe.messageAcked('a');
    expect(await isSettled(waiting)).toBe(false); // b still in flight
    probe.messageSent('c'); // sent after the wait began: not waited for
    probe.messageFailed('b', 'ack-timeout');
    expect(await isSettled(waiting)).toBe(true);
    expect(await isSettled(probe.sendsSettled())).toBe(false); // c
    probe.messageAcked('c');
    expect(await isSettled(probe.sendsSettled())).toBe(true);
    latency.destroy();
  });
});

describe('VuProbe error codes', () => {
  it('counts failures and errors by where and code, and workers sum them', async () => {
    const { mergeLoadTotals } = await import('../../scenarios/counts.js');
    const latency = newHistogram();
    const a = emptyLoadTotals();
    const probe = new VuProbe(a, latency);
    probe.messageSent('x');
    probe.messageFailed('x', 'ack-timeout');
    probe.error('im:read', 'forbidden');
    probe.error('im:read', 'forbidden');
    expect(a.errorCodes).toEqual({ 'im:send:ack-timeout': 1, 'im:read:forbidden': 2 });
    const b = emptyLoadTotals();
    b.errorCodes['im:send:ack-timeout'] = 3;
    expect(mergeLoadTotals(a, b).errorCodes).toEqual({ 'im:send:ack-timeout': 4, 'im:read:forbidden': 2 });
    latency.destroy();
  });
});
