import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../harness/config/resolve-config.js';
import { configFromEnv } from '../../harness/config/env-config.js';
import { UsageError } from '../../harness/errors.js';
import { cliLayer } from '../../harness/cli-options.js';
import { syntheticLeakFields } from '../../harness/run/finish-run.js';
import { chooseIntervalFloor, chooseTimeScale, timerEventsPerSecond } from '../../harness/run/time-scale.js';
import { loadSegments, planTimeScale } from '../../harness/run/plan-time-scale.js';

// Documented values, written out here rather than imported, so a change to them fails a test:
// README "Each phase gets its own S": the sampler's ceiling ×600 with actions, the idle night
// ×3600; reloads, log off/on and network drops count as 5 actions each (ACTION_COST).
const MAX_SCALE = 600;
const IDLE_MAX_SCALE = 3600;
const HEAVY_ACTION_COST = 5;

describe('resolveConfig', () => {
  it('applies defaults < file < scenario < env < cli and records each source', () => {
    const c = resolveConfig({
      file: { users: 10, hours: 12, seed: 5 },
      env: configFromEnv({ SOAK_USERS: '20', SOAK_LEAKS: 'intervals' }),
      cli: { users: 30, budgets: { heapSlopeBytesPerHour: 2048 } },
    });
    expect(c.users).toBe(30);
    expect(c.hours).toBe(12);
    expect(c.seed).toBe(5);
    expect(c.leaks).toEqual(['intervals']);
    expect(c.scenario).toBe('office-day'); // README: [--scenario office-day]
    expect(c.budgets.heapSlopeBytesPerHour).toBe(2048);
    expect(c.budgets.presenceMapTolerance).toBe(2); // budgets.ts: @default 2
    expect(c.sources).toMatchObject({ users: 'cli', hours: 'file', leaks: 'env', scenario: 'default' });
  });

  it('reports every invalid field at once, cross-field rules included', () => {
    try {
      resolveConfig({ cli: { users: 1, hours: 1, warmupHours: 2, sampleEveryMinutes: 60 } });
      expect.unreachable('accepted an invalid config');
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      const text = (error as Error).message;
      expect(text).toMatch(/users must be at least 2/);
      expect(text).toMatch(/warm-up/);
    }
  });

  it('turns the HTTP load off by --no-http or SOAK_HTTP, env under cli, and names a bad SOAK_HTTP', () => {
    expect(resolveConfig({}).http).toBe(true);
    expect(resolveConfig({ env: configFromEnv({ SOAK_HTTP: 'off' }) })).toMatchObject({ http: false, sources: { http: 'env' } });
    expect(resolveConfig({ file: { http: false }, env: configFromEnv({ SOAK_HTTP: '1' }) }).http).toBe(true);
    expect(resolveConfig({ env: configFromEnv({ SOAK_HTTP: '0' }), cli: cliLayer({ http: true }) }).http).toBe(false);
    expect(resolveConfig({ cli: cliLayer({ http: false }) })).toMatchObject({ http: false, sources: { http: 'cli' } });
    expect(() => resolveConfig({ env: configFromEnv({ SOAK_HTTP: 'maybe' }) })).toThrow(/http must be true or false/);
  });

  it('takes --synthetic-leak in its four shapes, for the reference server only', () => {
    const MiB = 1024 * 1024;
    expect(resolveConfig({}).syntheticLeak).toBeNull();
    // A plain number is still MiB per simulated hour.
    expect(resolveConfig({ cli: cliLayer({ syntheticLeak: '1.25' }) }).syntheticLeak).toEqual({ shape: 'time', bytesPerSimHour: 1.25 * MiB });
    expect(resolveConfig({ cli: cliLayer({ syntheticLeak: '2MiB/h' }) }).syntheticLeak).toEqual({ shape: 'time', bytesPerSimHour: 2 * MiB });
    expect(resolveConfig({ cli: cliLayer({ syntheticLeak: 'action:im.send:64KiB' }) }).syntheticLeak).toEqual({ shape: 'action', action: 'im.send', bytesPerEvent: 65_536 });
    expect(resolveConfig({ cli: cliLayer({ syntheticLeak: 'connect:256KiB' }) }).syntheticLeak).toEqual({ shape: 'connect', bytesPerEvent: 262_144 });
    expect(resolveConfig({ cli: cliLayer({ syntheticLeak: 'tick:4KiB' }) }).syntheticLeak).toEqual({ shape: 'tick', timer: 'presence-ping', bytesPerEvent: 4_096 });
    // env: the spec, or the older number; the flag over both, and 0 / off turns a file's leak off.
    expect(resolveConfig({ env: configFromEnv({ SOAK_SYNTHETIC_LEAK_MIB_PER_HOUR: '2' }) }).syntheticLeak).toEqual({ shape: 'time', bytesPerSimHour: 2 * MiB });
    expect(resolveConfig({ env: configFromEnv({ SOAK_SYNTHETIC_LEAK: 'tick:request-poll:1KiB' }) })).toMatchObject({ syntheticLeak: { timer: 'request-poll' }, sources: { syntheticLeak: 'env' } });
    expect(resolveConfig({ file: { syntheticLeak: 'connect:1KiB' }, cli: cliLayer({ syntheticLeak: 'off' }) })).toMatchObject({ syntheticLeak: null, sources: { syntheticLeak: 'cli' } });
    expect(resolveConfig({ file: { syntheticLeak: { shape: 'connect', bytesPerEvent: 8 } } }).syntheticLeak).toEqual({ shape: 'connect', bytesPerEvent: 8 });
    // Bad specs: a UsageError (exit 2) naming the flag or the key.
    expect(() => cliLayer({ syntheticLeak: 'lots' })).toThrow(UsageError);
    expect(() => cliLayer({ syntheticLeak: 'lots' })).toThrow(/--synthetic-leak: 'lots' is not a synthetic leak spec/);
    expect(() => cliLayer({ syntheticLeak: '-1' })).toThrow(/--synthetic-leak: .*cannot give memory back/);
    expect(() => cliLayer({ syntheticLeak: 'action:window.close:1KiB' })).toThrow(/closing a window sends nothing to the server/);
    expect(() => resolveConfig({ env: configFromEnv({ SOAK_SYNTHETIC_LEAK: 'tick:weather:1KiB' }) })).toThrow(/syntheticLeak: unknown timer 'weather'/);
    expect(() => resolveConfig({ file: { syntheticLeak: -3 } })).toThrow(UsageError);
    expect(() => resolveConfig({ file: { syntheticLeakMiBPerHour: 1 } as never })).toThrow(/'syntheticLeakMiBPerHour' \(from file\) is now 'syntheticLeak'/);
    const target = { url: 'http://127.0.0.1:1', inspect: '127.0.0.1:2', metrics: 'http://127.0.0.1:1/metrics' };
    expect(() => resolveConfig({ cli: { target, syntheticLeak: 'connect:1KiB' } })).toThrow(/--synthetic-leak is a switch of the reference server/);
  });

  it("states the synthetic leak's shape and size in the report config, and MiB/h too for the time shape", () => {
    const MiB = 1024 * 1024;
    expect(syntheticLeakFields(resolveConfig({}))).toEqual({});
    expect(syntheticLeakFields(resolveConfig({ cli: cliLayer({ syntheticLeak: '1.5' }) }))).toEqual({ syntheticLeak: { shape: 'time', bytesPerSimHour: 1.5 * MiB }, syntheticLeakMiBPerHour: 1.5 });
    expect(syntheticLeakFields(resolveConfig({ cli: cliLayer({ syntheticLeak: 'connect:256KiB' }) }))).toEqual({ syntheticLeak: { shape: 'connect', bytesPerEvent: 262_144 } });
    // `report RUN_DIR` on a run.json written before the shapes.
    const { syntheticLeak: _, ...old } = resolveConfig({});
    expect(syntheticLeakFields({ ...old, syntheticLeakMiBPerHour: 2 } as never)).toEqual({ syntheticLeak: { shape: 'time', bytesPerSimHour: 2 * MiB }, syntheticLeakMiBPerHour: 2 });
  });

  it('takes the production heap headroom from soak.config.ts, SOAK_HEADROOM_MIB or --headroom, 1024 MiB by default', () => {
    expect(resolveConfig({}).productionHeadroomMiB).toBe(1024);
    expect(resolveConfig({ file: { productionHeadroomMiB: 2048 } }).productionHeadroomMiB).toBe(2048);
    expect(resolveConfig({ file: { productionHeadroomMiB: 2048 }, env: configFromEnv({ SOAK_HEADROOM_MIB: '512' }) }).productionHeadroomMiB).toBe(512);
    const cli = resolveConfig({ env: configFromEnv({ SOAK_HEADROOM_MIB: '512' }), cli: cliLayer({ headroom: '3072' }) });
    expect(cli.productionHeadroomMiB).toBe(3072);
    expect(cli.sources.productionHeadroomMiB).toBe('cli');
    expect(() => cliLayer({ headroom: 'lots' })).toThrow(/--headroom takes a number/);
    expect(() => resolveConfig({ cli: cliLayer({ headroom: '0' }) })).toThrow(/productionHeadroomMiB/);
  });

  it('takes the idle settle from soak.config.ts, SOAK_IDLE_SETTLE_S or --idle-settle, 10 s by default, and names a bad one', () => {
    expect(resolveConfig({}).idleSettleSeconds).toBe(10);
    expect(resolveConfig({ file: { idleSettleSeconds: 70 } }).idleSettleSeconds).toBe(70);
    const env = resolveConfig({ file: { idleSettleSeconds: 70 }, env: configFromEnv({ SOAK_IDLE_SETTLE_S: '0.5' }) });
    expect(env.idleSettleSeconds).toBe(0.5);
    expect(env.sources.idleSettleSeconds).toBe('env');
    expect(resolveConfig({ env: configFromEnv({ SOAK_IDLE_SETTLE_S: '0.5' }), cli: cliLayer({ idleSettle: '12' }) }).idleSettleSeconds).toBe(12);
    expect(() => cliLayer({ idleSettle: 'long' })).toThrow(/--idle-settle takes a number/);
    expect(() => resolveConfig({ cli: cliLayer({ idleSettle: '-1' }) })).toThrow(/idleSettleSeconds/);
    expect(() => resolveConfig({ cli: cliLayer({ idleSettle: '600' }) })).toThrow(/idleSettleSeconds/);
  });

  it("keeps a target's metricsToken from soak.config.ts when the command line gives its URLs", () => {
    const fromFile = { url: 'http://127.0.0.1:1', inspect: '127.0.0.1:2', metrics: 'http://127.0.0.1:1/metrics', metricsToken: 'file-token' };
    const cli = cliLayer({ target: 'http://127.0.0.1:7', inspect: '127.0.0.1:8', metrics: 'http://127.0.0.1:7/metrics' });
    const target = resolveConfig({ file: { target: fromFile }, cli }).target;
    expect(target).toEqual({ url: 'http://127.0.0.1:7', inspect: '127.0.0.1:8', metrics: 'http://127.0.0.1:7/metrics', metricsToken: 'file-token' });
    expect(resolveConfig({ cli }).target?.metricsToken).toBeUndefined();
  });

  it('--metrics is optional with --target: an inspector-only soak resolves to metrics null', () => {
    const cli = cliLayer({ target: 'http://127.0.0.1:7', inspect: '127.0.0.1:8' });
    expect(cli.target).toEqual({ url: 'http://127.0.0.1:7', inspect: '127.0.0.1:8', metrics: null });
    expect(resolveConfig({ cli }).target).toEqual({ url: 'http://127.0.0.1:7', inspect: '127.0.0.1:8', metrics: null });
    // The flags name the doors completely: soak.config.ts's endpoint does not outlive them, its token does.
    const file = { target: { url: 'http://127.0.0.1:1', inspect: '127.0.0.1:2', metrics: 'http://127.0.0.1:1/metrics', metricsToken: 'file-token' } };
    expect(resolveConfig({ file, cli }).target).toEqual({ url: 'http://127.0.0.1:7', inspect: '127.0.0.1:8', metrics: null, metricsToken: 'file-token' });
    // soak.config.ts may leave it out or say null; an endpoint there still counts.
    expect(resolveConfig({ file: { target: { url: 'http://127.0.0.1:7', inspect: '127.0.0.1:8', metrics: null } } }).target?.metrics).toBeNull();
    expect(resolveConfig({ file: { target: { url: 'http://127.0.0.1:7', inspect: '127.0.0.1:8' } } }).target?.metrics).toBeNull();
    expect(resolveConfig({ cli: cliLayer({ target: 'http://127.0.0.1:7', inspect: '127.0.0.1:8', metrics: 'https://127.0.0.1:7/metrics' }) }).target?.metrics).toBe('https://127.0.0.1:7/metrics');
  });

  it('still needs --target and --inspect together, and refuses a --metrics that is not http(s)', () => {
    expect(() => cliLayer({ target: 'http://127.0.0.1:7' })).toThrow(/target mode needs --target URL --inspect HOST:PORT/);
    expect(() => cliLayer({ inspect: '127.0.0.1:8', metrics: 'http://127.0.0.1:7/metrics' })).toThrow(/target mode needs --target URL --inspect HOST:PORT/);
    expect(() => cliLayer({ metrics: 'http://127.0.0.1:7/metrics' })).toThrow(/target mode needs/);
    for (const metrics of ['ftp://127.0.0.1:7/metrics', 'file:///tmp/metrics', 'not a url', '']) {
      const cli = cliLayer({ target: 'http://127.0.0.1:7', inspect: '127.0.0.1:8', metrics });
      expect(() => resolveConfig({ cli }), metrics).toThrow(/target\.metrics: metrics must be an http\(s\) URL/);
    }
    expect(() => resolveConfig({ file: { target: { url: 'http://127.0.0.1:7', inspect: '127.0.0.1:8', metrics: 'ws://127.0.0.1:7/metrics' } } })).toThrow(/http\(s\) URL/);
  });

  it('takes --load-command from the command line or soak.config.ts, implying the outside load with its source', () => {
    expect(resolveConfig({})).toMatchObject({ loadCommand: null, load: 'vus', sources: { loadCommand: 'default', load: 'default' } });
    expect(resolveConfig({ cli: cliLayer({ loadCommand: 'k6 run scenarios/k6/office-day.ts' }) })).toMatchObject({
      loadCommand: 'k6 run scenarios/k6/office-day.ts',
      load: 'external',
      sources: { loadCommand: 'cli', load: 'cli' },
    });
    expect(resolveConfig({ file: { loadCommand: './load.sh' } })).toMatchObject({ load: 'external', sources: { loadCommand: 'file', load: 'file' } });
    // Saying --load external as well is no contradiction (its own source is kept).
    expect(resolveConfig({ env: configFromEnv({}), cli: cliLayer({ load: 'external', loadCommand: 'k6 run x.ts' }) }).sources.load).toBe('cli');
    expect(() => resolveConfig({ cli: cliLayer({ loadCommand: '   ' }) })).toThrow(/loadCommand must not be empty/);
  });

  it('refuses --load-command together with the built-in virtual users asked for explicitly', () => {
    expect(() => resolveConfig({ cli: cliLayer({ load: 'vus', loadCommand: 'k6 run x.ts' }) })).toThrow(UsageError);
    expect(() => resolveConfig({ file: { load: 'vus' }, cli: cliLayer({ loadCommand: 'k6 run x.ts' }) })).toThrow(
      /--load vus \(from file\) and --load-command \(from cli\) both describe the load/,
    );
  });

  it('switches rules off and maps metric names from soak.config.ts, naming a bad rule or name', () => {
    const c = resolveConfig({ file: { rules: { 'presence-maps': 'off' }, metricNames: { rol_connected_sockets: 'chat_sockets' } } });
    expect(c.rules).toEqual({ 'presence-maps': 'off' });
    expect(c.metricNames).toEqual({ rol_connected_sockets: 'chat_sockets' });
    expect(c.sources).toMatchObject({ rules: 'file', metricNames: 'file' });
    expect(() => resolveConfig({ file: { rules: { 'heap-bloat': 'off' } } as never })).toThrow(/rules\.heap-bloat: unknown rule \(known: heap-slope/);
    expect(() => resolveConfig({ file: { rules: { 'presence-maps': 'on' } } as never })).toThrow(/rules\.presence-maps: a rule's setting is 'off'/);
    expect(() => resolveConfig({ file: { metricNames: { rol_connected_sockets: 'chat sockets' } } })).toThrow(/metricNames\.rol_connected_sockets: must be a Prometheus metric name/);
  });

  it('rejects unknown keys and negative budgets', () => {
    expect(() => resolveConfig({ file: { userz: 3 } as never })).toThrow(/unknown config key 'userz'/);
    expect(() => resolveConfig({ cli: { budgets: { heapSlopeBytesPerHour: -1 } } })).toThrow(/budgets.heapSlopeBytesPerHour/);
  });
});

describe('chooseTimeScale', () => {
  const H = 3_600_000;
  const one = (actionsPerSimHour: number) => [
    { name: 'day', fromSimMs: 0, toSimMs: 25 * H, actionsPerSimHour },
    { name: 'cool-down', fromSimMs: 25 * H, toSimMs: 25.5 * H, actionsPerSimHour: 0 },
  ];
  const base = { maxWallMinutes: 3, overheadSeconds: 30 };

  it('runs as fast as capacity allows, within the wall budget', () => {
    const c = chooseTimeScale({ ...base, maxWallMinutes: 5, segments: one(7_200), capacityEventsPerSecond: 1_000 });
    // 7,200 events per simulated hour = 0.002 per simulated ms; 1 per real ms / 0.002 = S 500.
    expect(c.limitedBy).toBe('capacity');
    expect(c.phases[0]?.scale).toBe(500);
    // The idle cool-down runs at IDLE_MAX_SCALE: 25 h / 500 + 0.5 h / IDLE_MAX_SCALE = 180 s + 1800 / IDLE_MAX_SCALE s.
    expect(c.schedule).toEqual([{ fromSimMs: 0, scale: 500 }, { fromSimMs: 25 * H, scale: IDLE_MAX_SCALE }]);
    expect(c.estimatedWallSeconds).toBeCloseTo(30 + 180 + 1800 / IDLE_MAX_SCALE, 6);
    expect(c.withinBudget).toBe(true);
  });

  it('never goes past MAX_SCALE with actions, nor IDLE_MAX_SCALE without', () => {
    const c = chooseTimeScale({ ...base, segments: one(10), capacityEventsPerSecond: 1_000 });
    expect(c.limitedBy).toBe('max-scale');
    expect(c.phases.map((p) => p.scale)).toEqual([MAX_SCALE, IDLE_MAX_SCALE]);
    expect(c.schedule).toEqual([{ fromSimMs: 0, scale: MAX_SCALE }, { fromSimMs: 25 * H, scale: IDLE_MAX_SCALE }]);
  });

  it('gives a stretch its minimum real duration', () => {
    const segments = [
      { name: 'day', fromSimMs: 0, toSimMs: 25 * H, actionsPerSimHour: 10 },
      { name: 'cool-down', fromSimMs: 25 * H, toSimMs: 25.5 * H, actionsPerSimHour: 0, minRealSeconds: 3 },
    ];
    const c = chooseTimeScale({ ...base, segments, capacityEventsPerSecond: 1_000 });
    // 0.5 simulated h in at least 3 real s → S ≤ 600, slower than the idle ceiling.
    expect(c.phases[1]).toMatchObject({ scale: 600, limitedBy: 'min-real-time' });
  });

  it('slows down to the capacity instead of outpacing it', () => {
    const c = chooseTimeScale({ ...base, segments: one(72_000), capacityEventsPerSecond: 2_000 });
    expect(c.limitedBy).toBe('capacity');
    // 72,000 events per simulated hour = 0.02 per simulated ms; 2 per real ms / 0.02 = S 100.
    expect(c.phases[0]?.scale).toBe(100);
    expect(c.plannedEventsPerSecond).toBeCloseTo(2_000, 0);
    // 25 simulated hours at S 100 is 900 s: over the 3-minute budget, and it says so.
    expect(c.withinBudget).toBe(false);
  });

  it('gives each phase its own scale: a busy morning runs slower than an idle night', () => {
    const segments = [
      { name: 'morning', fromSimMs: 0, toSimMs: 4 * H, actionsPerSimHour: 7_200 },
      { name: 'night', fromSimMs: 4 * H, toSimMs: 16 * H, actionsPerSimHour: 0 },
      { name: 'morning', fromSimMs: 16 * H, toSimMs: 20 * H, actionsPerSimHour: 7_200 },
    ];
    const c = chooseTimeScale({ ...base, segments, capacityEventsPerSecond: 100 });
    // 7,200/h at 100/s → S 50; the idle night at IDLE_MAX_SCALE.
    expect(c.phases.map((p) => p.scale)).toEqual([50, IDLE_MAX_SCALE, 50]);
    expect(c.schedule).toEqual([
      { fromSimMs: 0, scale: 50 },
      { fromSimMs: 4 * H, scale: IDLE_MAX_SCALE },
      { fromSimMs: 16 * H, scale: 50 },
    ]);
    const realS = (8 * 3600) / 50 + (12 * 3600) / IDLE_MAX_SCALE;
    expect(c.estimatedWallSeconds).toBeCloseTo(30 + realS, 6);
    // The mean scale: simulated over real time.
    expect(c.scale).toBe(Math.round((20 * 3600) / realS));
    expect(c.plannedEventsPerSecond).toBeCloseTo(100, 6);
  });

  it('runs every phase at a fixed --time-scale', () => {
    const c = chooseTimeScale({ ...base, segments: one(7_200), capacityEventsPerSecond: 1 }, 250);
    expect(c).toMatchObject({ scale: 250, limitedBy: 'fixed', schedule: [{ fromSimMs: 0, scale: 250 }] });
    expect(c.phases.every((p) => p.limitedBy === 'fixed')).toBe(true);
  });
});

describe('planTimeScale (office-day)', () => {
  it('cuts the day into its phases, weighs reconnect-heavy actions, and runs the idle night fastest', () => {
    const config = resolveConfig({ cli: { users: 100 } });
    const segments = loadSegments(config);
    expect(segments.map((s) => s.name)).toEqual(['morning', 'lunch', 'afternoon', 'commute', 'night', 'morning', 'cool-down']);
    // Lunch per user per hour: 9 light actions + (reload 2 + network.drop 0.5 + logoff-on 1) × their cost.
    expect(segments[1]?.actionsPerSimHour).toBe(100 * (9 + 3.5 * HEAVY_ACTION_COST)); // 2,650
    expect(segments[4]?.actionsPerSimHour).toBe(0);
    // 1,000 users: busy enough that every phase with actions is set by capacity, not MAX_SCALE.
    const plan = planTimeScale(resolveConfig({ cli: { users: 1000 } }));
    const byName = new Map(plan.phases.map((p) => [p.name, p.scale]));
    // The night has no actions but every desktop's timers: set by capacity, not IDLE_MAX_SCALE.
    expect(byName.get('night')).toBeLessThan(IDLE_MAX_SCALE);
    expect(byName.get('lunch')).toBeLessThan(MAX_SCALE);
    // The cool-down keeps its 3 real seconds (0.5 h at S 600).
    expect(plan.phases.at(-1)).toMatchObject({ name: 'cool-down', scale: 600, limitedBy: 'min-real-time' });
    expect(byName.get('morning')).toBeLessThanOrEqual(byName.get('afternoon') ?? 0);
    // The schedule ends at the cool-down's end: 25.5 simulated hours.
    expect(plan.phases.at(-1)?.toHour).toBe(25.5);
    expect(plan.withinBudget).toBe(plan.estimatedWallSeconds <= 180);
  });

  it('plans a slower machine (speed factor < 1) at a proportionally lower capacity, and longer', () => {
    const config = resolveConfig({ cli: { users: 1000 } });
    const full = planTimeScale(config);
    const half = planTimeScale(config, 0.5);
    expect(half.capacityEventsPerSecond).toBeCloseTo(full.capacityEventsPerSecond / 2, 9);
    const morning = (p: typeof full) => p.phases.find((x) => x.name === 'morning')?.scale ?? 0;
    // Scales are whole numbers: within 1 of half.
    expect(Math.abs(morning(half) - morning(full) / 2)).toBeLessThanOrEqual(1);
    expect(half.estimatedWallSeconds).toBeGreaterThan(full.estimatedWallSeconds * 1.8);
  });

  it('runs an outside load in real time unless told otherwise', () => {
    expect(planTimeScale(resolveConfig({ cli: { load: 'external' } })).schedule).toEqual([{ fromSimMs: 0, scale: 1 }]);
  });
});

describe('chooseIntervalFloor', () => {
  const periods = [10_000, 10_000, 900_000];
  it('leaves timers alone when they fit the budget', () => {
    // 6 users × (2 × 60/s + 0.7/s) at S = 600 ≈ 724 events/s > 200; at S = 10 they are 12/s.
    expect(chooseIntervalFloor(6, periods, 10, 200)).toBe(1);
  });
  it('finds the smallest floor that fits, and the rate then fits', () => {
    const floor = chooseIntervalFloor(100, periods, 600, 200);
    expect(timerEventsPerSecond(100, periods, 600, floor)).toBeLessThanOrEqual(200);
    expect(timerEventsPerSecond(100, periods, 600, floor - 1)).toBeGreaterThan(200);
    // The weather's 15 min is 1.5 real s at S = 600, so all three end up floored:
    // 100 users × 3 / floor = 200/s → 1.5 s.
    expect(floor).toBeGreaterThan(1400);
    expect(floor).toBeLessThanOrEqual(1500);
  });
  it('grows with users: 1,000 users need a floor ten times longer', () => {
    expect(chooseIntervalFloor(1000, periods, 100, 200)).toBeGreaterThan(9 * chooseIntervalFloor(100, periods, 100, 200));
  });
});
