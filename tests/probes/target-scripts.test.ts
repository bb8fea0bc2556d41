/**
 * The probe's awaited expressions must not touch Node's timer or immediate queues while the
 * evaluate itself runs: Node dispatches an inspector call inside a V8 interrupt, possibly halfway
 * through its own timer code, and a timer set there once left a CI run's server spinning in its
 * timer queue (harness/probes/target-scripts.ts, `afterTimers`; bench/probe-interrupt-bench.ts
 * reproduces the hang). Checked on a real target: its timer functions are wrapped to note whether
 * they were called while the evaluated expression was still running synchronously.
 */
import CDP from 'chrome-remote-interface';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { afterGcExpression, readExpression } from '../../harness/probes/target-scripts.js';
import { startTarget, type Target } from './target-process.js';

/** Wraps the target's timer functions: each call is noted as `sync` (inside our evaluate) or `later`. */
const WRAP = `(() => {
  const log = (globalThis.__timerCalls = { sync: [], later: [] });
  globalThis.__inEvaluate = false;
  const wrap = (holder, name) => {
    const orig = holder[name];
    holder[name] = function (...args) {
      (globalThis.__inEvaluate ? log.sync : log.later).push(name);
      return orig.apply(this, args);
    };
  };
  for (const name of ['setTimeout', 'setInterval', 'setImmediate']) wrap(globalThis, name);
  wrap(process, 'nextTick');
  return true;
})()`;

/** `expression`, evaluated with the flag up for exactly its synchronous part. */
const flagged = (expression: string): string =>
  `(() => { globalThis.__inEvaluate = true; try { return ${expression}; } finally { globalThis.__inEvaluate = false; } })()`;

describe('the probe expressions in the target', () => {
  let target: Target;
  let client: CDP.Client;

  beforeAll(async () => {
    target = await startTarget();
    client = await CDP({ target: target.wsUrl, local: true });
    await client.Runtime.evaluate({ expression: WRAP, returnByValue: true });
  }, 20_000);

  afterAll(async () => {
    await client?.close();
    await target?.stop();
  });

  const calls = async (): Promise<{ sync: string[]; later: string[] }> => {
    const { result } = await client.Runtime.evaluate({ expression: 'globalThis.__timerCalls', returnByValue: true });
    return result.value as { sync: string[]; later: string[] };
  };

  it.each([
    ['readExpression', readExpression('timer-check')],
    ['afterGcExpression', afterGcExpression('timer-check', true)],
  ])('%s sets its timers only after the evaluate has returned, never inside it', async (_name, expression) => {
    await client.Runtime.evaluate({ expression: 'globalThis.__timerCalls.sync.length = 0; globalThis.__timerCalls.later.length = 0', returnByValue: true });
    const res = await client.Runtime.evaluate({ expression: flagged(expression), awaitPromise: true, returnByValue: true });
    expect(res.exceptionDetails).toBeUndefined();
    const seen = await calls();
    expect(seen.sync).toEqual([]);
    // Not vacuous: the expression did go through a timer, set later from a promise job.
    expect(seen.later).toContain('setTimeout');
  });
});
