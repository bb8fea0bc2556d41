import { describe, expect, it } from 'vitest';
import { analyse } from '../../harness/analysis/verdict.js';
import { DEFAULT_BUDGETS } from '../../harness/analysis/budgets.js';
import { assessTimerFidelity, TIMER_MIN_RATIO, type TimerSpec } from '../../harness/analysis/timer-fidelity.js';
import { referenceTimerSpecs } from '../../harness/analysis/timer-specs.js';
import { HOUR, makeRun } from './samples.js';

const PING: TimerSpec = { type: 'presence-ping', periodMs: 10_000, per: 'user', clock: 'sim', drives: ['heap-slope', 'db-connections'] };
const HEARTBEAT: TimerSpec = { type: 'server-heartbeat', periodMs: 30_000, per: 'socket', clock: 'sim', drives: ['heap-slope'] };
const KEEPALIVE: TimerSpec = { type: 'transport-keepalive', periodMs: 1_000, per: 'socket', clock: 'real', drives: [] };

/**
 * A run whose counters fire `share` of production rate: 100 users online through the soak
 * (samples every 15 simulated minutes, realMs = simMs / 600), so per simulated hour the ping
 * fires 100 × 360 × share times and the heartbeat 100 × 120 × share times.
 */
function run(share: { ping: number; heartbeat: number; keepalive?: number }) {
  return makeRun({
    at: (_phase, hour) => ({
      load: { timerEvents: { 'presence-ping': Math.round(100 * 360 * hour * share.ping) } },
      metrics: {
        rol_presence_heartbeats_total: Math.round(100 * 120 * hour * share.heartbeat),
        rol_transport_keepalives_total: Math.round((100 * (hour * HOUR)) / 600 / 1_000 * (share.keepalive ?? 1)),
      },
    }),
  });
}

describe('timer fidelity', () => {
  it('plans production rate × connected user-time and passes when the counters match it', () => {
    const t = assessTimerFidelity(run({ ping: 1, heartbeat: 1 }), { specs: [PING, HEARTBEAT, KEEPALIVE] });
    expect(t.status).toBe('ok');
    const ping = t.rows.find((r) => r.type === 'presence-ping');
    // 92 soak samples span 91 quarter-hours at 100 users: 100 × 91 × 900 s / 10 s.
    expect(ping?.planned).toBeCloseTo(100 * 91 * 90, 6);
    expect(ping?.ratio).toBeCloseTo(1, 3);
    expect(t.rows.find((r) => r.type === 'transport-keepalive')?.judged).toBe(false);
    expect(t.notCovered).toEqual([]);
  });

  it('is too low, naming the type and the rules it drives, when one timer fires below 99%', () => {
    const t = assessTimerFidelity(run({ ping: 1, heartbeat: 0.9 }), { specs: [PING, HEARTBEAT] });
    expect(t.status).toBe('too-low');
    expect(t.reasons.join()).toMatch(/server-heartbeat at 90\.0%/);
    expect(t.notCovered.join()).toMatch(/heap-slope: a leak per server-heartbeat tick is driven below its least share/);
    expect(TIMER_MIN_RATIO).toBe(0.99);
  });

  it('counts an interval at the users it started with, so the load stopping at the last soak sample plans no fewer fires', () => {
    const samples = run({ ping: 1, heartbeat: 1 });
    const lastSoak = samples.map((x) => x.phase).lastIndexOf('soak');
    const stopped = samples.map((x, i) => (i === lastSoak ? { ...x, metrics: { ...x.metrics, rol_users_online: 0, rol_connected_sockets: 0 } } : x));
    const t = assessTimerFidelity(stopped, { specs: [PING, HEARTBEAT] });
    expect(t.rows.find((r) => r.type === 'presence-ping')?.ratio).toBeCloseTo(1, 3);
    expect(t.status).toBe('ok');
  });

  it('places each counter at the instant it was read, not at the sample stamp', () => {
    // The server's counters are scraped, and the load's counts reported, later than the stamp:
    // the first soak sample's by nothing, the last one's by 10 simulated minutes (a 1 s old load
    // report at S = 600 the other way round would under-count just as much).
    const samples = run({ ping: 1, heartbeat: 1 });
    const lastSoak = samples.map((x) => x.phase).lastIndexOf('soak');
    const late = 600_000;
    const shifted = samples.map((x, i) => {
      if (i !== lastSoak) return x;
      const hour = (x.simMs + late) / HOUR;
      return {
        ...x,
        metrics: { ...x.metrics, rol_sim_time_ms: x.simMs + late, rol_presence_heartbeats_total: Math.round(100 * 120 * hour) },
        load: { ...x.load!, readAtSimMs: x.simMs + late, timerEvents: { 'presence-ping': Math.round(100 * 360 * hour) } },
      };
    });
    const t = assessTimerFidelity(shifted, { specs: [PING, HEARTBEAT] });
    for (const r of t.rows) expect(r.ratio).toBeCloseTo(1, 3);
  });

  it("leaves out a server counter read after the load stopped: its socket count of 0 does not say when the sockets went", () => {
    // The load stops at the last soak sample's stamp; that sample's scrape comes 0.3 simulated h
    // later (a slow scrape at the cool-down's scale), reads 0 sockets and the beats as of the stop.
    const samples = run({ ping: 1, heartbeat: 1 });
    const lastSoak = samples.map((x) => x.phase).lastIndexOf('soak');
    const stopAt = samples[lastSoak]!.simMs;
    const late = samples.map((x, i) =>
      i === lastSoak
        ? { ...x, metrics: { ...x.metrics, rol_sim_time_ms: stopAt + 0.3 * HOUR, rol_connected_sockets: 0, rol_presence_heartbeats_total: Math.round((100 * 120 * stopAt) / HOUR) } }
        : x,
    );
    const heartbeat = (o: { loadStopSimMs?: number }) => assessTimerFidelity(late, { specs: [HEARTBEAT], ...o }).rows[0]!;
    // Without the stop: the 100 sockets of the scrape before are planned until 0.3 h past it.
    expect(heartbeat({}).ratio!).toBeLessThan(0.99);
    // With it: the window ends at the last reading before the stop, and every beat was there.
    expect(heartbeat({ loadStopSimMs: stopAt }).ratio).toBeCloseTo(1, 3);
    expect(assessTimerFidelity(late, { specs: [HEARTBEAT], loadStopSimMs: stopAt }).status).toBe('ok');
  });

  it('never judges the real-time keepalive, however low', () => {
    const t = assessTimerFidelity(run({ ping: 1, heartbeat: 1, keepalive: 0.1 }), { specs: [PING, KEEPALIVE] });
    expect(t.status).toBe('ok');
  });

  it('in floored mode reports the share driven and what is not covered, without failing', () => {
    const t = assessTimerFidelity(run({ ping: 0.001, heartbeat: 1 }), { specs: [PING, HEARTBEAT], floorMs: 6_000 });
    expect(t.status).toBe('reduced');
    expect(t.reasons.join()).toMatch(/presence-ping at 0\.10% of production rate/);
    expect(t.notCovered.join()).toMatch(/db-connections: a leak per presence-ping tick/);
  });

  it('has no data without counters', () => {
    const t = assessTimerFidelity(makeRun(), { specs: [PING, HEARTBEAT] });
    expect(t.status).toBe('insufficient-data');
    expect(t.rows.every((r) => r.fired === null)).toBe(true);
  });

  it('turns a pass inconclusive in the default mode, and leaves it a pass when floored on request', () => {
    const specs = referenceTimerSpecs({ leaks: [], keepaliveRealMs: 1_000 }).filter((s) => s.type === 'presence-ping' || s.type === 'server-heartbeat');
    const options = { budgets: DEFAULT_BUDGETS, warmupEndsAtSimMs: 2 * HOUR };
    const full = analyse(run({ ping: 1, heartbeat: 1 }), { ...options, timers: { specs } });
    expect(full.verdict.status).toBe('pass');
    const low = analyse(run({ ping: 0.5, heartbeat: 1 }), { ...options, timers: { specs } });
    expect(low.verdict.status).toBe('inconclusive');
    expect(low.verdict.reasons.join()).toMatch(/timer fidelity too low: presence-ping at 50\.0%/);
    const floored = analyse(run({ ping: 0.5, heartbeat: 1 }), { ...options, timers: { specs, floorMs: 6_000 } });
    expect(floored.verdict.status).toBe('pass');
    expect(floored.verdict.notCovered?.join()).toMatch(/heap-slope/);
  });

  it('judges a type by its own least share when its spec gives one', () => {
    const lenient: TimerSpec = { ...PING, minRatio: 0.95 };
    expect(assessTimerFidelity(run({ ping: 0.97, heartbeat: 1 }), { specs: [lenient, HEARTBEAT] }).status).toBe('ok');
    expect(assessTimerFidelity(run({ ping: 0.97, heartbeat: 1 }), { specs: [PING, HEARTBEAT] }).status).toBe('too-low');
  });

  it('the weather refresh: remounts restart it and each may cost a fire, so planned leaves those out, and a starved refresh is still too low', () => {
    const weather = referenceTimerSpecs({ leaks: [], keepaliveRealMs: 1_000 }).find((s) => s.type === 'weather')!;
    // 100 users, 4 refreshes an hour each, 20 remounts an hour (each one delaying its user's next
    // refresh by up to a period); `share` of the remaining fires happen.
    const withRemounts = (share: number) =>
      makeRun({
        at: (_phase, hour) => ({
          load: { timerEvents: { weather: Math.round((100 * 4 * hour - 20 * hour * 0.5) * share) }, actions: { reload: Math.round(15 * hour), 'logoff-on': Math.round(5 * hour) } },
        }),
      });
    const ok = assessTimerFidelity(withRemounts(1), { specs: [weather] });
    const row = ok.rows[0]!;
    // 91 quarter-hours × 100 users = 9,100 planned before the remounts (455) and the 100 timers' window ends.
    expect(row.restarts).toBe(455);
    expect(row.planned).toBeCloseTo(9100 - 455 - 100, 6);
    expect(ok.status).toBe('ok');
    // Half-lost on average per remount is what happened; the plain 4 an hour would have read 97.5%.
    expect(row.fired! / 9100).toBeLessThan(0.99);
    expect(assessTimerFidelity(withRemounts(0.8), { specs: [weather] }).status).toBe('too-low');
  });

  it('the server heartbeat: each new socket starts its own and may cost a beat, so planned leaves those out, and a starved heartbeat is still too low', () => {
    const heartbeat = referenceTimerSpecs({ leaks: [], keepaliveRealMs: 1_000 }).find((s) => s.type === 'server-heartbeat')!;
    // 100 sockets, 120 beats an hour each; 200 new sockets an hour (100 reloads, 40 log off/ons,
    // 60 reconnects), each delaying its socket's next beat by 0.75 of a period; `share` of the rest fire.
    const withNewSockets = (share: number) =>
      makeRun({
        at: (_phase, hour) => ({
          metrics: { rol_presence_heartbeats_total: Math.round((100 * 120 * hour - 200 * hour * 0.75) * share) },
          load: { actions: { reload: Math.round(100 * hour), 'logoff-on': Math.round(40 * hour) }, reconnects: Math.round(60 * hour) },
        }),
      });
    const ok = assessTimerFidelity(withNewSockets(1), { specs: [heartbeat] });
    const row = ok.rows[0]!;
    // 91 quarter-hours × 100 sockets × 30 beats = 273,000 before the 4,550 new sockets and the 100 at the window's start.
    expect(row.restarts).toBe(4550);
    expect(row.planned).toBeCloseTo(273_000 - 4550 - 100, 6);
    expect(ok.status).toBe('ok');
    // Against the plain 120 an hour per socket the same beats read 98.75%: too low, for a run that drove every beat.
    expect(row.fired! / 273_000).toBeLessThan(0.99);
    expect(assessTimerFidelity(withNewSockets(0.9), { specs: [heartbeat] }).status).toBe('too-low');
  });

  it('expects no sweeper under presence-maps, where the seed has none', () => {
    expect(referenceTimerSpecs({ leaks: ['presence-maps'], keepaliveRealMs: 1_000 }).some((s) => s.type === 'sweeper')).toBe(false);
    expect(referenceTimerSpecs({ leaks: [], keepaliveRealMs: 1_000 }).some((s) => s.type === 'sweeper')).toBe(true);
  });
});
