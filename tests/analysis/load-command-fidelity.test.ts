import { describe, expect, it } from 'vitest';
import { DEFAULT_BUDGETS } from '../../harness/analysis/budgets.js';
import { loadCommandPart, type LoadCommandRecord } from '../../harness/analysis/load-command-fidelity.js';
import { analyse } from '../../harness/analysis/verdict.js';
import { loadCommandSentence } from '../../harness/report/load-command-text.js';
import { gaussian } from './synthetic.js';
import { makeRun, MiB } from './samples.js';

const base: LoadCommandRecord = {
  command: 'k6 run office-day.ts',
  pid: 4242,
  log: 'load-command.log',
  startedAt: '2026-12-03T10:00:00.000Z',
  soakRealSeconds: 3600,
  stoppedAt: '2026-12-03T11:00:01.000Z',
  ranSeconds: 3601,
  exitCode: null,
  signal: 'SIGTERM',
  endedBy: 'cooldown',
  killed: false,
};
const early: LoadCommandRecord = { ...base, endedBy: 'itself', exitCode: 0, signal: null, ranSeconds: 1800, stoppedAt: '2026-12-03T10:30:00.000Z' };

describe('loadCommandPart', () => {
  it('is ok when the harness stopped the command (cool-down or teardown)', () => {
    expect(loadCommandPart(base, 0.99)).toEqual({ part: 'load-command', status: 'ok', reasons: [] });
    expect(loadCommandPart({ ...base, endedBy: 'teardown', ranSeconds: 10 }, 0.99).status).toBe('ok');
  });

  it('is too-low when the command exited 0 before the soak was loaded for the minimum share, and says how much ran', () => {
    const part = loadCommandPart(early, 0.99);
    expect(part.status).toBe('too-low');
    expect(part.reasons[0]).toBe("the load command exited 0 1800.0 s after it started, before the soak's end at 3600.0 s: only 50.0% of the soak hours were loaded (needs 99%)");
  });

  it('lets an exit a moment before the cool-down count as the whole soak (k6 duration = SOAK_DURATION_S)', () => {
    expect(loadCommandPart({ ...early, ranSeconds: 3590 }, 0.99).status).toBe('ok');
    expect(loadCommandPart({ ...early, ranSeconds: 3500 }, 0.99).status).toBe('too-low');
  });
});

describe('an early-stopped load command in the verdict', () => {
  const heap = () => {
    const z = gaussian(7);
    return () => ({ heapUsed: 8 * MiB + 15_000 * z(), load: null });
  };
  const opts = { budgets: DEFAULT_BUDGETS, warmupEndsAtSimMs: 2 * 3_600_000, fidelityOptional: true };

  it('turns a pass into inconclusive, with the reason', () => {
    const samples = makeRun({ at: heap() });
    expect(analyse(samples, { ...opts, fidelityParts: [loadCommandPart(base, 0.99)] }).verdict.status).toBe('pass');
    const a = analyse(samples, { ...opts, fidelityParts: [loadCommandPart(early, 0.99)] });
    expect(a.fidelity.status).toBe('too-low');
    expect(a.verdict.status).toBe('inconclusive');
    expect(a.verdict.reasons[0]).toMatch(/^fidelity too-low: the load command exited 0 1800\.0 s after it started/);
  });
});

describe('loadCommandSentence', () => {
  it('says how the command ended in one line', () => {
    expect(loadCommandSentence(base)).toBe(
      "Load command `k6 run office-day.ts` (pid 4242, output in load-command.log): stopped at the cool-down after 3601.0 s (the soak's real length from its start: 3600.0 s) (SIGTERM to its process group; signal SIGTERM).",
    );
    expect(loadCommandSentence(early)).toMatch(/exited 0 on its own after 1800\.0 s .*before the cool-down: the soak hours after that ran without its load\.$/);
    expect(loadCommandSentence({ ...early, ranSeconds: 3600.5 })).toMatch(/exited 0 on its own at the soak's end, after 3600\.5 s/);
    expect(loadCommandSentence({ ...early, exitCode: 1 })).toMatch(/failed on its own after 1800\.0 s .*\(exit code 1\), before the cool-down\.$/);
    expect(loadCommandSentence({ ...base, endedBy: null, stoppedAt: null, ranSeconds: null, signal: null })).toMatch(/still running when this was written\.$/);
  });
});
