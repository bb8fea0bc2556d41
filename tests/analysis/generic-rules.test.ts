/**
 * The generic rules (any Node server, from the inspector alone) on seeded realistic runs: a
 * day-shaped load (sockets and timers follow the users), a sawtooth GC on resident memory, and
 * one planted fault at a time.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_BUDGETS } from '../../harness/analysis/budgets.js';
import { genericRules } from '../../harness/analysis/generic-rules.js';
import { analyse } from '../../harness/analysis/verdict.js';
import type { RuleResult } from '../../harness/analysis/rule-types.js';
import type { CheckpointInfo, Sample } from '../../harness/sample.js';
import { HOUR, MiB, makeRun } from './samples.js';
import { ar1, sawtooth } from './synthetic.js';

/** Users connected at hour h of a day that starts at 00:00: a morning ramp, a busy day, a quiet night. */
const usersAt = (hour: number): number => {
  const h = hour % 24;
  return h < 7 ? 10 : h < 9 ? Math.round(10 + 45 * (h - 7)) : h < 18 ? 100 : h < 20 ? Math.round(100 - 45 * (h - 18)) : 10;
};

interface Faults {
  /** Bytes of resident memory added per hour of the soak. */
  rssPerHour?: number;
  /** Timers left behind after the cool-down. */
  timersLeft?: number;
  /** TCP sockets kept per hour (never closed). */
  socketsPerHour?: number;
  /** Descriptors (files) left open after the cool-down. */
  filesLeft?: number;
  /** Server CPU per event growing by this share of its start per hour. */
  cpuGrowthPerHour?: number;
}

/**
 * 25 simulated hours, a sample every 15 minutes and a quiet checkpoint every hour; the idle
 * baseline and the end checkpoint after the cool-down. The idle server has 17 TCP sockets (a
 * database pool), 4 timers and 45 descriptors; each user adds a socket and two timers.
 */
function run(seed: number, f: Faults = {}): { samples: Sample[]; baseline: Sample } {
  const noise = ar1(104, 0.6, 0.5 * MiB, seed);
  const base = makeRun({ warmup: 8, soak: 92, cooldown: 4 });
  const at = (s: Sample, i: number, users: number, end: boolean): Sample => {
    const hour = s.simMs / HOUR;
    const sockets = 17 + users + Math.floor((f.socketsPerHour ?? 0) * hour);
    const timers = 4 + 2 * users + (end ? (f.timersLeft ?? 0) : 0);
    const files = 28 + (end ? (f.filesLeft ?? 0) : 0);
    const rss = 120 * MiB + sawtooth(hour, 3 * MiB, 0.75) + (noise[i] ?? 0) + (f.rssPerHour ?? 0) * hour;
    const isCheckpoint = end || (s.phase === 'soak' && Number.isInteger(hour));
    const checkpoint: CheckpointInfo = { kind: end ? 'end' : 'cadence', atSimMs: s.simMs, settleRealMs: 5, inFlight: 0, overran: false, readRealMs: 150 };
    return {
      ...s,
      server: { ...s.server, rss, cpuPercent: 20 * (1 + (f.cpuGrowthPerHour ?? 0) * hour) * (1 + 0.05 * ((noise[i] ?? 0) / MiB)), resources: { TCPSocketWrap: sockets, Timeout: timers, TCPServerWrap: 1, PipeWrap: 2 }, openFds: sockets + files },
      client: s.client ? { ...s.client, socketsOpen: users } : null,
      ...(isCheckpoint ? { checkpoint } : {}),
    };
  };
  const samples = base.map((s, i) => {
    const last = i === base.length - 1;
    const users = s.phase === 'cooldown' ? 0 : usersAt(s.simMs / HOUR);
    return at(s, i, users, last);
  });
  const first = base[0] as Sample;
  const baseline = { ...at({ ...first, simMs: 0 }, 0, 0, false), checkpoint: { kind: 'baseline', atSimMs: 0, settleRealMs: 0, inFlight: 0, overran: false, readRealMs: 100 } } as Sample;
  return { samples, baseline };
}

function judge(seed: number, f: Faults = {}): Map<string, RuleResult> {
  const { samples, baseline } = run(seed, f);
  const rules = genericRules(samples, { budgets: DEFAULT_BUDGETS, warmupEndsAtSimMs: 2 * HOUR, baseline, users: 100 });
  return new Map(rules.map((r) => [r.id, r]));
}

describe('generic rules on a day-shaped healthy run', () => {
  it.each([1, 2, 3, 4, 5])('pass every rule they can judge (seed %i)', (seed) => {
    const r = judge(seed);
    for (const id of ['rss-slope', 'external-slope', 'cpu-per-event', 'tcp-sockets', 'handles-cooldown', 'sockets-cooldown', 'fds-cooldown']) {
      expect(r.get(id)?.status, `${id}: ${r.get(id)?.evidence.text}`).toBe('pass');
    }
  });
});

describe('generic rules catch one planted fault each', () => {
  it('rss-slope fails resident memory that grows 1 MiB per hour under its sawtooth', () => {
    const r = judge(7, { rssPerHour: MiB }).get('rss-slope');
    expect(r?.status, r?.evidence.text).toBe('fail');
    expect(r?.evidence.text).toMatch(/on \d+ quiet checkpoints/);
  });

  it('cpu-per-event fails a server whose CPU per event grows 5% an hour (the seed\'s road to 99% CPU)', () => {
    const r = judge(13, { cpuGrowthPerHour: 0.05 }).get('cpu-per-event');
    expect(r?.status, r?.evidence.text).toBe('fail');
    expect(r?.evidence.text).toMatch(/per event grows/);
  });

  it('handles-cooldown fails timers left after every user has gone, and names the type that grew', () => {
    const r = judge(8, { timersLeft: 1_800 }).get('handles-cooldown');
    expect(r?.status).toBe('fail');
    expect(r?.evidence.text).toMatch(/Timeout 4 → 1804/);
  });

  it('handles-cooldown passes a few lazily armed timers within its tolerance', () => {
    expect(judge(8, { timersLeft: DEFAULT_BUDGETS.handlesCooldownTolerance }).get('handles-cooldown')?.status).toBe('pass');
  });

  it('tcp-sockets fails a server that keeps a socket per reconnection beyond one per user', () => {
    const r = judge(9, { socketsPerHour: 3 }).get('tcp-sockets');
    expect(r?.status, r?.evidence.text).toBe('fail');
    expect(r?.evidence.text).toMatch(/users connected by the load/);
  });

  it('sockets-cooldown and fds-cooldown fail what stays open after the cool-down', () => {
    const r = judge(10, { socketsPerHour: 3, filesLeft: 40 });
    expect(r.get('sockets-cooldown')?.status).toBe('fail');
    expect(r.get('fds-cooldown')?.status).toBe('fail');
  });

  it('is inconclusive, not pass, when the server was read at the baseline and then no more', () => {
    const { samples, baseline } = run(11);
    const strip = (s: Sample): Sample => ({ ...s, server: { ...s.server, resources: undefined, openFds: undefined } as Sample['server'] });
    const rules = genericRules(samples.map(strip), { budgets: DEFAULT_BUDGETS, warmupEndsAtSimMs: 2 * HOUR, baseline, users: 100 });
    for (const id of ['tcp-sockets', 'handles-cooldown', 'sockets-cooldown', 'fds-cooldown']) expect(rules.find((r) => r.id === id)?.status, id).toBe('inconclusive');
  });

  it('does not apply when the run never read the server\'s handles (a report rebuilt from before they were read) or had no baseline', () => {
    const { samples, baseline } = run(12);
    const strip = (s: Sample): Sample => ({ ...s, server: { ...s.server, resources: undefined, openFds: undefined } as Sample['server'] });
    const old = genericRules(samples.map(strip), { budgets: DEFAULT_BUDGETS, warmupEndsAtSimMs: 2 * HOUR, baseline: strip(baseline), users: 100 });
    const noBaseline = genericRules(samples, { budgets: DEFAULT_BUDGETS, warmupEndsAtSimMs: 2 * HOUR, baseline: null, users: 100 });
    for (const id of ['tcp-sockets', 'handles-cooldown', 'sockets-cooldown', 'fds-cooldown']) {
      expect(old.find((r) => r.id === id)?.evidence.text).toMatch(/not applicable: the server's handles were not read/);
      expect(noBaseline.find((r) => r.id === id)?.status).toBe('not-applicable');
    }
  });

  it('an rss-slope that straddles its budget does not block a pass (advisory: the allocator\'s pages are noisy); a clear excess fails the run', () => {
    const straddling = run(14, { rssPerHour: 225 * 1024 });
    const a = analyse(straddling.samples, { budgets: DEFAULT_BUDGETS, warmupEndsAtSimMs: 2 * HOUR, baseline: straddling.baseline, users: 100 });
    expect(a.verdict.rules.find((r) => r.id === 'rss-slope')?.status).toBe('inconclusive');
    expect(a.verdict.reasons.join(' ')).not.toMatch(/rss-slope/);
    const leaking = run(14, { rssPerHour: 4 * MiB });
    const b = analyse(leaking.samples, { budgets: DEFAULT_BUDGETS, warmupEndsAtSimMs: 2 * HOUR, baseline: leaking.baseline, users: 100 });
    expect(b.verdict.status).toBe('fail');
    expect(b.verdict.reasons.join(' ')).toMatch(/^rss-slope: /);
  });
});

describe('drift rules on a real-time target (no simulated clock)', () => {
  /**
   * A real-time soak of 30 samples `stepMs` apart whose loop busy share and CPU per event rise
   * steadily, with a quiet checkpoint every third sample. At 10 s apart (5 minutes) that is a
   * drift per hour the machine's other work can make; at 15 minutes apart (7.5 hours) it is the
   * server's own.
   */
  function rising(stepMs: number): Sample[] {
    return makeRun({ warmup: 2, soak: 30, cooldown: 1 }).map((s, i) => {
      const k = Math.max(0, i - 2);
      const at = (i + 1) * stepMs;
      const noise = ((i * 7919) % 13) / 13 - 0.5; // deterministic ±0.5 wobble
      const checkpoint: CheckpointInfo = { kind: 'cadence', atSimMs: at, settleRealMs: 3, inFlight: 0, overran: false, readRealMs: 130 };
      return {
        ...s,
        simMs: at,
        realMs: at,
        server: { ...s.server, eventLoopUtilization: 0.2 + 0.01 * k + 0.002 * noise, cpuPercent: 20 * (1 + 0.03 * k + 0.002 * noise) },
        ...(s.phase === 'soak' && i % 3 === 0 ? { checkpoint } : {}),
      };
    });
  }
  const judgeRealTime = (samples: Sample[]) =>
    new Map(genericRules(samples, { budgets: DEFAULT_BUDGETS, warmupEndsAtSimMs: 2 * (samples[1] as Sample).simMs - (samples[0] as Sample).simMs, baseline: null, users: 20, realTime: true }).map((r) => [r.id, r]));

  it('leaves a per-hour drift of a few minutes unjudged (advisory inconclusive), and says why', () => {
    const r = judgeRealTime(rising(10_000));
    for (const id of ['loop-drift', 'cpu-per-event'] as const) {
      expect(r.get(id)?.status, id).toBe('inconclusive');
      expect(r.get(id)?.evidence.text, id).toMatch(/not judged: a real-time soak of \d\.\d min, shorter than the 1 h/);
    }
  });

  it('judges the same rise over hours, and fails it', () => {
    const r = judgeRealTime(rising(15 * 60_000));
    expect(r.get('loop-drift')?.status, r.get('loop-drift')?.evidence.text).toBe('fail');
    expect(r.get('cpu-per-event')?.status, r.get('cpu-per-event')?.evidence.text).toBe('fail');
  });
});
