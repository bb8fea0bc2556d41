/**
 * Does the inspector probe's awaited expression ever hang its target? (harness/probes/target-scripts.ts,
 * `afterTimers`.) Node dispatches an inspector call inside a V8 interrupt, wherever the target's JS
 * was; a timer set there can corrupt Node's timer lists. This bench makes that likely: the target
 * creates and deletes its 1 ms timer list in a tight loop (`setTimeout(f, 1)` then `clearTimeout`),
 * so an interrupt often lands inside Node's timer code, and the harness evaluates back to back.
 *
 * Two arms, alternated in rounds on fresh targets (the machine is shared and noisy):
 *  - `timerInInterrupt`, the reference: the expression the probe used before 2026-12-05 (a
 *    `setTimeout` and a `setImmediate` made by the evaluated expression itself). Kept here, and only
 *    here, to show the target does reproduce the hazard in this same run.
 *  - `probe`: the probe's own `readExpression` (its timer set from a promise job).
 * A call unanswered for CALL_DEADLINE_MS is a hang: the bench records the evaluations it took and
 * what the target's process was doing (/proc/PID/stat: R = spinning, S = asleep), stops that
 * target by its pid and starts another. Knobs: PROBE_INTERRUPT_ROUNDS (4), PROBE_INTERRUPT_ARM_MS
 * (15000 real ms per arm per round).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import CDP from 'chrome-remote-interface';
import { median } from '../harness/analysis/stats.js';
import { waitForInspectorUrl } from '../harness/probes/inspector-url.js';
import { readExpression } from '../harness/probes/target-scripts.js';

/** A call this late is a hang: an answered one takes ~1–5 ms here even against the busy target. */
const CALL_DEADLINE_MS = 3_000;

const TARGET_SOURCE = `
require('node:net').createServer().listen(0, '127.0.0.1');
const noop = () => {};
function churn() {
  for (let i = 0; i < 20000; i++) { const t = setTimeout(noop, 1); clearTimeout(t); }
  setImmediate(churn);
}
churn();
`;

/** The pre-2026-12-05 `afterTimers` (the reference arm): its timers are set inside the interrupt. */
const TIMER_IN_INTERRUPT = `new Promise((resolve) => {
  let done = false, first, im, second;
  const fire = () => { if (done) return; done = true; clearTimeout(first); clearImmediate(im); clearTimeout(second); resolve(null); };
  first = setTimeout(fire, 0);
  im = setImmediate(() => { if (!done) second = setTimeout(fire, 0); });
})`;

interface Arm {
  evaluations: number;
  hangs: number;
  /** Per hang: the evaluations on that target up to and including the one that hung. */
  evaluationsToHang: number[];
  /** Per hang: the target's process state letter when its call timed out. */
  hungStates: string[];
  realMs: number;
}

function procState(pid: number): string {
  try {
    return readFileSync(`/proc/${String(pid)}/stat`, 'utf8').split(' ')[2] ?? '?';
  } catch {
    return '?';
  }
}

async function startTarget(): Promise<{ child: ChildProcess; wsUrl: string }> {
  const child = spawn(process.execPath, ['--inspect=127.0.0.1:0', '-e', TARGET_SOURCE], { stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    return { child, wsUrl: await waitForInspectorUrl(child.stderr!, 10_000) };
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
}

async function stopTarget(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  // SIGKILL: a target spinning in its timer queue never runs a SIGTERM handler's JS anyway.
  child.kill('SIGKILL');
  await exited;
}

/** Evaluates `expression` back to back on fresh targets for `budgetMs`, adding to `arm`. */
async function runArm(arm: Arm, expression: string, budgetMs: number): Promise<void> {
  const t0 = performance.now();
  while (performance.now() - t0 < budgetMs) {
    const { child, wsUrl } = await startTarget();
    const client = await CDP({ target: wsUrl, local: true });
    let n = 0;
    try {
      while (performance.now() - t0 < budgetMs) {
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), CALL_DEADLINE_MS)));
        const r = await Promise.race([client.Runtime.evaluate({ expression, awaitPromise: true, returnByValue: true }), late]);
        clearTimeout(timer);
        n++;
        arm.evaluations++;
        if (r === 'late') {
          arm.hangs++;
          arm.evaluationsToHang.push(n);
          arm.hungStates.push(procState(child.pid!));
          break;
        }
      }
    } finally {
      await client.close().catch(() => undefined);
      await stopTarget(child);
    }
  }
  arm.realMs += Math.round(performance.now() - t0);
}

export default async function probeInterruptBench(): Promise<object> {
  const rounds = Math.max(1, Number(process.env['PROBE_INTERRUPT_ROUNDS'] ?? 4));
  const armMs = Math.max(1_000, Number(process.env['PROBE_INTERRUPT_ARM_MS'] ?? 15_000));
  const empty = (): Arm => ({ evaluations: 0, hangs: 0, evaluationsToHang: [], hungStates: [], realMs: 0 });
  const reference = empty();
  const probe = empty();
  const expression = readExpression('probe-interrupt-bench');
  for (let i = 0; i < rounds; i++) {
    await runArm(reference, TIMER_IN_INTERRUPT, armMs);
    await runArm(probe, expression, armMs);
    console.error(`probe-interrupt: round ${String(i + 1)}/${String(rounds)}: reference ${String(reference.hangs)} hang(s) in ${String(reference.evaluations)}, probe ${String(probe.hangs)} in ${String(probe.evaluations)}`);
  }
  return {
    rounds,
    armMs,
    callDeadlineMs: CALL_DEADLINE_MS,
    timerInInterrupt: reference,
    probe,
    medianEvaluationsToHang: reference.evaluationsToHang.length > 0 ? median(reference.evaluationsToHang) : null,
    // Hangs per 10,000 evaluations: the reference's shows the target reproduces the hazard.
    referenceHangsPer10k: reference.evaluations > 0 ? Number(((reference.hangs / reference.evaluations) * 1e4).toFixed(2)) : null,
    probeHangsPer10k: probe.evaluations > 0 ? Number(((probe.hangs / probe.evaluations) * 1e4).toFixed(2)) : null,
  };
}
