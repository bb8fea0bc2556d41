import { describe, expect, it } from 'vitest';
import { GENERIC_RULE_IDS } from '../../harness/analysis/generic-rules.js';
import { DEFAULT_BUDGETS } from '../../harness/analysis/budgets.js';
import type { RuleId, RuleResult } from '../../harness/analysis/rule-types.js';
import { RULE_IDS } from '../../harness/analysis/rule-types.js';
import { evaluateRules } from '../../harness/analysis/rules.js';
import type { Sample } from '../../harness/sample.js';
import { gaussian } from './synthetic.js';
import { makeRun, MiB, type RunShape } from './samples.js';

const rules = (samples: Sample[]) => evaluateRules(samples, { budgets: DEFAULT_BUDGETS, warmupEndsAtSimMs: 2 * 3_600_000 });
const rule = (samples: Sample[], id: RuleId): RuleResult => rules(samples).find((r) => r.id === id) as RuleResult;
const soakFrom = (start: number, make: NonNullable<RunShape['at']>): RunShape['at'] => (phase, hour, i) =>
  phase === 'soak' && i >= start ? make(phase, hour, i) : {};

describe('a bounded (healthy) run', () => {
  it('passes every rule, one result per rule id, in order', () => {
    const z = gaussian(1);
    const results = rules(makeRun({ at: () => ({ heapUsed: 8 * MiB + 15_000 * z() }) }));
    // heap-cooldown and client-heap need checkpoints (the idle baseline, the clients' heaps),
    // which this run has not (checkpoint-rules.test.ts).
    expect(results.map((r) => r.id)).toEqual(RULE_IDS.filter((id) => id !== 'heap-cooldown' && id !== 'client-heap'));
    // The handle and descriptor rules need the idle baseline too: not applicable, and saying why.
    const needBaseline = new Set(['tcp-sockets', 'handles-cooldown', 'sockets-cooldown', 'fds-cooldown']);
    for (const r of results) expect(r.status, `${r.id}: ${r.evidence.text}`).toBe(needBaseline.has(r.id) ? 'not-applicable' : 'pass');
  });
});

describe('each rule fails on a crafted leaking run and names its leak', () => {
  const cases: Array<[RuleId, string | undefined, RunShape['at']]> = [
    ['heap-slope', undefined, (_p, hour) => ({ heapUsed: 8 * MiB + 4 * MiB * hour })],
    ['presence-maps', 'presence-maps', soakFrom(20, (_p, _h, i) => ({ metrics: { 'rol_presence_map_entries{map="userSocketMap"}': 100 + (i - 19) } }))],
    ['listeners-per-socket', 'im-listeners', soakFrom(30, () => ({ client: { listenersPerSocketMax: 3, listenersByEvent: { 'im:new': { max: 3, sum: 300 } } } }))],
    ['document-listeners', 'drag-listeners', (_p, hour) => ({ client: { documentListenersMax: 4 + Math.floor(2 * hour) } })],
    ['db-connections', 'db-per-event', (_p, hour) => ({ metrics: { 'rol_db_connections{source="store"}': 7 + Math.floor(hour * 3) } })],
    ['server-timers', 'intervals', (p, hour) => (p === 'cooldown' ? {} : { metrics: { rol_active_timers: 210 + Math.floor(hour * 20) } })],
    ['client-intervals', 'intervals', (_p, hour) => ({ client: { intervalsAlive: 300 + Math.floor(hour * 30) } })],
    ['sockets-per-user', 'socket-no-disconnect', soakFrom(50, () => ({ metrics: { rol_sockets_per_user_max: 3 } }))],
    ['cooldown-sockets', 'socket-no-disconnect', (p) => (p === 'cooldown' ? { metrics: { rol_connected_sockets: 12 } } : {})],
    ['cooldown-presence', 'presence-maps', (p) => (p === 'cooldown' ? { metrics: { 'rol_presence_map_entries{map="socketUserMap"}': 40 } } : {})],
    ['cooldown-timers', 'intervals', (p) => (p === 'cooldown' ? { metrics: { rol_active_timers: 90 } } : {})],
  ];
  it.each(cases)('%s', (id, leak, at) => {
    const results = rules(makeRun({ at }));
    const r = results.find((x) => x.id === id) as RuleResult;
    expect(r.status, r.evidence.text).toBe('fail');
    expect(r.leak).toBe(leak);
    // The evidence a reviewer checks by hand: the value seen beyond its limit, both in the sentence.
    const { value, budget, unit, text } = r.evidence;
    expect(value).not.toBeNull();
    expect(budget).not.toBeNull();
    expect(value!).toBeGreaterThan(budget!);
    const shown = (n: number) => (unit.startsWith('bytes') ? `${(n / MiB).toFixed(3)} MiB` : String(n));
    expect(text).toContain(shown(value!));
    expect(text).toContain(shown(budget!));
    // The crafted leak trips its own rule; no unrelated rule fails with it.
    const others = results.filter((x) => x.status === 'fail' && x.id !== id && !(id === 'cooldown-presence' && x.id === 'presence-maps'));
    expect(others.map((x) => x.id)).toEqual([]);
  });
});

describe('server timers are the app\'s own', () => {
  it('driver timers of leaked DB clients (rol_active_timers) do not count as an intervals leak when rol_sim_timers is exported', () => {
    const run = makeRun({
      at: (p, hour) => ({
        metrics: {
          rol_active_timers: 210 + Math.floor(hour * 20),
          'rol_sim_timers{kind="interval"}': 11,
          'rol_sim_timers{kind="timeout"}': 0,
        },
      }),
    });
    expect(rule(run, 'server-timers').status).toBe('pass');
    const leaking = makeRun({ at: (p, hour) => ({ metrics: { 'rol_sim_timers{kind="interval"}': 40 + Math.floor(hour * 20) } }) });
    expect(rule(leaking, 'server-timers').status).toBe('fail');
  });
});

describe('robustness of bound rules', () => {
  it('an isolated breach (one sample) passes and says so', () => {
    const r = rule(makeRun({ at: (_p, _h, i) => (i === 40 ? { metrics: { rol_sockets_per_user_max: 2 } } : {}) }), 'sockets-per-user');
    expect(r.status).toBe('pass');
    expect(r.evidence.text).toContain('isolated breach');
  });

  it('the evidence names the busiest event and the trend', () => {
    const r = rule(
      makeRun({ at: (_p, hour) => ({ client: { listenersPerSocketMax: 1 + Math.floor(hour / 4), listenersByEvent: { 'im:sent': { max: 1 + Math.floor(hour / 4), sum: 1 } } } }) }),
      'listeners-per-socket',
    );
    expect(r.status).toBe('fail');
    expect(r.evidence.text).toContain('im:sent');
    expect(r.evidence.slope).toBeCloseTo(0.25, 1);
  });

  it('missing metrics make a rule inconclusive, naming the metric', () => {
    const samples = makeRun({ at: () => ({ client: null }) }).map((s) => ({ ...s, metrics: {} }));
    for (const r of rules(samples)) {
      // The heap and the generic rules read the inspector, not /metrics (generic-rules.test.ts).
      if (r.id === 'heap-slope' || (GENERIC_RULE_IDS as readonly string[]).includes(r.id)) continue;
      expect(r.status, r.id).toBe('inconclusive');
      expect(r.evidence.text, r.id).toMatch(/missing/);
    }
    expect(rule(samples, 'db-connections').evidence.text).toContain('rol_db_connections');
    expect(rule(samples, 'db-connections').evidence.text).toContain('serverStatus');
  });

  it('too few soak samples: heap slope inconclusive', () => {
    expect(rule(makeRun({ soak: 4 }), 'heap-slope').status).toBe('inconclusive');
  });

  it('a heap interval straddling the budget is inconclusive, not pass', () => {
    const z = gaussian(5);
    const r = rule(makeRun({ soak: 12, at: (_p, hour) => ({ heapUsed: 8 * MiB + MiB * hour + 3 * MiB * z() }) }), 'heap-slope');
    expect(r.status).toBe('inconclusive');
    expect(r.evidence.text).toContain('straddles');
  });

  it('warm-up growth is kept out of the heap trend', () => {
    const r = rule(makeRun({ at: (p, hour) => ({ heapUsed: p === 'warmup' ? hour * 20 * MiB : 40 * MiB }) }), 'heap-slope');
    expect(r.status).toBe('pass');
  });
});

describe('db-connections with the store\'s own count (serverStatus read by the harness)', () => {
  // healthyMetrics: pool 5, driver 5, the server's store gauge 7 (pool + monitor + RTT).
  // The harness's own client holds 2 connections on the store, so its reading and the server's
  // gauge both see 9; `baseline` says 2 of them are not the server's.
  const storeAt = (connections: number) => ({ connections, totalCreated: connections + 40, baseline: 2 });
  const withStore = (samples: Sample[], at: (s: Sample) => Partial<Sample>): Sample[] => samples.map((s) => ({ ...s, ...at(s) }));

  it('a fixed server passes: the harness\'s own connections are not counted against it', () => {
    const run = withStore(makeRun(), (s) => ({
      metrics: { ...s.metrics, 'rol_db_connections{source="store"}': 9 },
      store: storeAt(9),
    }));
    const r = rule(run, 'db-connections');
    expect(r.status, r.evidence.text).toBe('pass');
    expect(r.evidence.value).toBe(7);
    expect(r.evidence.budget).toBe(7);
  });

  it('fails on the store-side count alone when /metrics stops answering, with the pool size exported earlier', () => {
    // The server answers /metrics until 3 h, then never again; its store connections grow ~1 per event.
    const run = withStore(makeRun(), (s) =>
      s.simMs < 3 * 3_600_000
        ? { store: storeAt(9) }
        : { metrics: {}, scrapeError: 'scrape of /metrics failed: no answer within 10000 ms', store: storeAt(9 + Math.round(s.simMs / 60_000)) },
    );
    const r = rule(run, 'db-connections');
    expect(r.status, r.evidence.text).toBe('fail');
    expect(r.leak).toBe('db-per-event');
    expect(r.evidence.budget).toBe(7);
    expect(r.evidence.text).toContain('store serverStatus');
    expect(r.evidence.text).toContain('pool 5');
    // The evidence is the server's share: the reading less the 2 open before the server started.
    const last = run.filter((s) => s.phase === 'soak').at(-1) as Sample;
    expect(r.evidence.value).toBe((last.store?.connections ?? 0) - 2);
  });

  it('judges against dbPoolSizeAssumed when the server never exported its pool size', () => {
    const mute = (grow: boolean) => withStore(makeRun(), (s) => ({ metrics: {}, store: storeAt(grow ? 9 + Math.round(s.simMs / 60_000) : 9) }));
    const leaking = rule(mute(true), 'db-connections');
    expect(leaking.status, leaking.evidence.text).toBe('fail');
    expect(leaking.evidence.budget).toBe(DEFAULT_BUDGETS.dbPoolSizeAssumed + DEFAULT_BUDGETS.dbConnectionsTolerance);
    expect(leaking.evidence.text).toContain('never exported');
    const flat = rule(mute(false), 'db-connections');
    expect(flat.status, flat.evidence.text).toBe('pass');
    // Every other rule on server metrics reads the empty metrics as missing, not as 0 (the
    // client-count rules and sockets-per-user have the virtual users' counts to go on).
    for (const r of rules(mute(false))) {
      if (['db-connections', 'heap-slope', 'listeners-per-socket', 'document-listeners', 'client-intervals', 'sockets-per-user', ...GENERIC_RULE_IDS].includes(r.id)) continue;
      expect(r.status, `${r.id}: ${r.evidence.text}`).toBe('inconclusive');
    }
  });

  it('a failed store read (null) is missing for that sample, not zero, and does not break a breach run', () => {
    // A leak that makes every other read fail: the breaches either side of each gap are consecutive readings.
    const run = withStore(makeRun(), (s) => ({ metrics: {}, store: s.seq % 2 === 0 ? null : storeAt(400) }));
    const r = rule(run, 'db-connections');
    expect(r.status, r.evidence.text).toBe('fail');
    expect(r.evidence).toMatchObject({ readings: 46, missing: 46 });
    expect(r.evidence.text).toMatch(/46 readings of 92 samples, missing at 46/);
  });
});

describe('bound rules: readings, gaps and what a pass displays', () => {
  const listeners = (at: (i: number) => number | null) =>
    makeRun({ at: (p, _h, i) => (p !== 'soak' ? {} : at(i) === null ? { client: null } : { client: { listenersPerSocketMax: at(i) as number } }) });

  it('missing readings between breaches never reset the run (a leak that fails every other scrape still fails)', () => {
    const r = rule(listeners((i) => (i % 2 === 0 ? null : 3)), 'listeners-per-socket');
    expect(r.status, r.evidence.text).toBe('fail');
    expect(r.evidence.text).toMatch(/broken at \d+ consecutive readings/);
    expect(r.evidence.text).toMatch(/missing at 46: client\.listenersPerSocketMax/);
  });

  it('too few readings is inconclusive, stating the minimum and why', () => {
    const r = rule(listeners((i) => (i === 50 || i === 70 ? 1 : null)), 'listeners-per-socket');
    expect(r.status).toBe('inconclusive');
    expect(r.evidence).toMatchObject({ readings: 2, missing: 90 });
    expect(r.evidence.text).toMatch(/only 2 readings .* need 46 \(2 in a row to prove a breach, and at least 50% of the samples\)/);
  });

  it('a pass never displays a value above its budget: the value is the worst sustained one, the peak is named', () => {
    // The "pass, value 5, budget 1": one sample caught a remount with 5 listeners.
    const r = rule(listeners((i) => (i === 40 ? 5 : 1)), 'listeners-per-socket');
    expect(r.status).toBe('pass');
    expect(r.evidence.value).toBe(1);
    expect(r.evidence.budget).toBe(1);
    expect(r.evidence.text).toMatch(/above the limit only in isolation: 1 isolated breach, peak .*5 listeners vs limit 1/);
  });

  it('the worst sustained value is the least of k consecutive readings', () => {
    // 1, …, 1, 3, 2, 1, …: two consecutive readings reach at least 2 … which breaks the limit of 1 twice → fail.
    expect(rule(listeners((i) => (i === 40 ? 3 : i === 41 ? 2 : 1)), 'listeners-per-socket').status).toBe('fail');
    // Alternating 1 and 3: never 2 breaches in a row; the sustained value is 1.
    const alt = rule(listeners((i) => (i % 2 === 0 ? 3 : 1)), 'listeners-per-socket');
    expect(alt.status).toBe('pass');
    expect(alt.evidence.value).toBe(1);
  });
});
