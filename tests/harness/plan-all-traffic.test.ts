import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../harness/config/resolve-config.js';
import { EVENT_COST, loadSegments, planTimeScale, realTimeUnitsPerSecond, timerUnitsPerSimHour } from '../../harness/run/plan-time-scale.js';
import { chooseTimeScale, IDLE_MAX_SCALE } from '../../harness/run/time-scale.js';
import { createProgress } from '../../harness/progress.js';

const H = 3_600_000;

describe('the planner budgets all traffic', () => {
  const base = { maxWallMinutes: 3, overheadSeconds: 0, capacityEventsPerSecond: 2_000 };

  it('sets an idle stretch by its timers, not by the idle ceiling', () => {
    const segments = [{ name: 'night', fromSimMs: 0, toSimMs: 10 * H, actionsPerSimHour: 0, timerUnitsPerSimHour: 72_000 }];
    const c = chooseTimeScale({ ...base, segments });
    // 72,000 units per simulated hour = 0.02 per simulated ms; 2 per real ms / 0.02 = S 100.
    expect(c.phases[0]).toMatchObject({ scale: 100, limitedBy: 'capacity' });
    expect(c.phases[0]?.plannedUnitsPerSecond).toBeCloseTo(2_000, 6);
    expect(c.intervalFloorMs).toBe(1);
    // Without the timers the same stretch runs at the idle ceiling.
    expect(chooseTimeScale({ ...base, segments: [{ ...segments[0]!, timerUnitsPerSimHour: 0 }] }).phases[0]?.scale).toBe(IDLE_MAX_SCALE);
  });

  it('adds actions, timers and HTTP, and takes the real-time keepalive cost off the capacity first', () => {
    const segments = [{ name: 'day', fromSimMs: 0, toSimMs: 10 * H, actionsPerSimHour: 36_000, timerUnitsPerSimHour: 24_000, httpUnitsPerSimHour: 12_000 }];
    // 72,000 per simulated hour in all, 1,000 of the 2,000 left after the fixed cost → S 50.
    const c = chooseTimeScale({ ...base, segments, realTimeUnitsPerSecond: 1_000 });
    expect(c.phases[0]?.scale).toBe(50);
    expect(c.phases[0]?.plannedUnitsPerSecond).toBeCloseTo(2_000, 6);
    expect(c.estimatedWallSeconds).toBeCloseTo((10 * 3600) / 50, 6);
  });

  it('with a timer floor asked for, leaves the timers out of the scale and reports the floor', () => {
    const segments = [{ name: 'day', fromSimMs: 0, toSimMs: 10 * H, actionsPerSimHour: 36_000, timerUnitsPerSimHour: 36_000 }];
    const c = chooseTimeScale({ ...base, segments, timerFloorMs: 6_000 });
    expect(c.phases[0]?.scale).toBe(200);
    expect(c.intervalFloorMs).toBe(6_000);
    expect(chooseTimeScale({ ...base, segments }).phases[0]?.scale).toBe(100);
  });

  it("plans office-day's timers at production rate in every phase, the idle night too", () => {
    const config = resolveConfig({ cli: { users: 100 } });
    const segments = loadSegments(config);
    // Per user per simulated hour: 360 pings, 360 polls, 4 weather refreshes, 120 heartbeats (+ 60 sweeps for the server).
    const perUser = 360 * EVENT_COST['presence-ping'] + 360 * EVENT_COST['request-poll'] + 4 * EVENT_COST.weather + 120 * EVENT_COST['server-heartbeat'];
    expect(timerUnitsPerSimHour(100)).toBeCloseTo(100 * perUser + 60 * EVENT_COST.sweeper, 6);
    for (const s of segments.filter((x) => x.name !== 'cool-down')) expect(s.timerUnitsPerSimHour).toBeCloseTo(100 * perUser + 60 * EVENT_COST.sweeper, 6);
    expect(segments.find((s) => s.name === 'night')?.httpUnitsPerSimHour).toBeCloseTo(100 * 12 * EVENT_COST['http-request'], 6);
    const plan = planTimeScale(config);
    expect(plan.intervalFloorMs).toBe(1);
    // No phase plans more than the capacity, keepalives included.
    for (const p of plan.phases) expect(p.plannedUnitsPerSecond ?? 0).toBeLessThanOrEqual(plan.capacityEventsPerSecond + 1e-6);
    // The fixed cost: 100 keepalives a second at the 1 s floor.
    expect(realTimeUnitsPerSecond(100, null)).toBeCloseTo(100 * EVENT_COST['transport-keepalive'], 9);
  });

  it('runs faster without HTTP and with a timer floor, and slower with more users', () => {
    const wall = (cli: Parameters<typeof resolveConfig>[0]['cli']) => planTimeScale(resolveConfig({ cli })).estimatedWallSeconds;
    const full = wall({ users: 100 });
    expect(wall({ users: 100, http: false })).toBeLessThan(full);
    expect(wall({ users: 100, timerFloorMs: 6_000 })).toBeLessThan(full);
    expect(wall({ users: 1000 })).toBeGreaterThan(5 * full);
  });

  it('says before starting when the run cannot fit, and how long it takes instead', () => {
    const plan = planTimeScale(resolveConfig({ cli: { users: 1000 } }));
    expect(plan.withinBudget).toBe(false);
    const lines: string[] = [];
    const p = createProgress({ write: (t: string) => lines.push(t) } as unknown as NodeJS.WriteStream, true);
    p.listener({ type: 'config', runId: 'r', runDir: '/tmp/r', timeScale: plan.scale, limitedBy: plan.limitedBy, estimatedWallSeconds: plan.estimatedWallSeconds, withinBudget: plan.withinBudget, maxWallMinutes: 3, intervalFloorMs: plan.intervalFloorMs });
    p.stop();
    const minutes = (plan.estimatedWallSeconds / 60).toFixed(1);
    expect(lines.join('')).toContain(`every event at its production rate`);
    expect(lines.join('')).toContain(`cannot fit the run into 3 min without dropping planned events; it runs longer instead: about ${minutes} min here`);
  });
});

describe('--timer-floor', () => {
  it('is off by default and set by file < env < CLI, validated before a run', async () => {
    const { configFromEnv } = await import('../../harness/config/env-config.js');
    const { cliLayer } = await import('../../harness/cli-options.js');
    expect(resolveConfig({}).timerFloorMs).toBeNull();
    const env = configFromEnv({ SOAK_TIMER_FLOOR_MS: '6000' });
    expect(resolveConfig({ file: { timerFloorMs: 2_000 }, env }).timerFloorMs).toBe(6_000);
    expect(resolveConfig({ env, cli: cliLayer({ timerFloor: '1500' }) }).timerFloorMs).toBe(1_500);
    expect(() => cliLayer({ timerFloor: 'soon' })).toThrow(/--timer-floor takes a number/);
    expect(() => resolveConfig({ cli: { timerFloorMs: 0 } })).toThrow(/timerFloorMs/);
    expect(() => resolveConfig({ cli: { timerFloorMs: 6_000, target: { url: 'http://127.0.0.1:1', inspect: '127.0.0.1:2', metrics: 'http://127.0.0.1:1/metrics' } } })).toThrow(/--timer-floor/);
  });
});
