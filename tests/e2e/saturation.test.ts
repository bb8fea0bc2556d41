/**
 * A run driven past the server's capacity must not pass: through the real CLI, 6 users against
 * a reference server made slow on purpose (every socket event costs 1 ms of CPU). With every
 * timer at its production rate, 6 users' pings and polls alone are ~720 socket events a real
 * second at S 600, so the slowing alone needs ~0.75 s of CPU per second on any machine, on top
 * of the events' own cost (measured here: morning ELU 1.00, ack p99 ~3 s). Slower still (3 ms)
 * starves the sampler itself: /metrics goes unanswered and the run is inconclusive on fidelity
 * "too-low" with no phase to name; this test wants the phase named. The verdict is
 * inconclusive (exit 3) and names the phase that saturated with its figures. The fixed server's
 * normal run passing is tests/e2e/soak.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVENT_COST_ENV } from '../../server/event-cost.js';
import { runCli } from './run-cli.js';

const OUT = join(import.meta.dirname, '../../reports/e2e');

describe('a saturated run', () => {
  it('is inconclusive (exit 3), never pass, and names the saturated phase with its figures', async () => {
    const run = await runCli(['--users', '6', '--sample-every', '10', '--ci', '--out', OUT, '--hours', '4', '--warmup', '0.5', '--no-snapshots'], {
      env: { [EVENT_COST_ENV]: '1' },
    });
    expect(run.code, run.stdout + run.stderr).toBe(3);
    const report = run.report();
    expect(report.verdict.status).toBe('inconclusive');
    expect(report.fidelity.status).toBe('saturated');
    const saturated = report.fidelity.phases.filter((p) => p.status === 'saturated');
    expect(saturated.length).toBeGreaterThan(0);
    expect(report.verdict.reasons[0]).toMatch(/^fidelity saturated: phase morning \(0\.0–4\.0 h\) saturated: /);
    expect(run.stdout).toMatch(/verdict: INCONCLUSIVE/);
    expect(run.stdout).toMatch(/saturated: morning/);
    expect(readFileSync(join(run.runDir!, 'summary.md'), 'utf8')).toMatch(/\| morning \| 0\.0–4\.0 \| saturated \|/);
  });
});
