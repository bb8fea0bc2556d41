/** Window bucketing and the HTTP plan: pure functions, checked by hand-countable cases. */
import { describe, expect, it } from 'vitest';
import { bucketOutcomes, nearestRank, summariseWindow, type RequestOutcome } from '../../harness/load/http-window.js';
import { buildRequestCycle, interleave, planHttpRate, slotsFor } from '../../harness/load/http-plan.js';
import { defineScenario, ScenarioError } from '../../scenarios/scenario.js';
import { officeDay } from '../../scenarios/office-day.js';

const ok = (atMs: number, latencyMs: number, endpoint: RequestOutcome['endpoint'] = 'buddies'): RequestOutcome => ({ atMs, kind: 'ok', latencyMs, endpoint });

describe('nearestRank', () => {
  it('is the ⌈p·n⌉-th smallest value', () => {
    const xs = Float64Array.from({ length: 100 }, (_, i) => i + 1); // 1..100
    expect(nearestRank(xs, 0.5)).toBe(50);
    expect(nearestRank(xs, 0.9)).toBe(90);
    expect(nearestRank(xs, 0.99)).toBe(99);
    expect(nearestRank([7], 0.99)).toBe(7);
    expect(nearestRank([], 0.5)).toBeNaN();
  });
});

describe('summariseWindow', () => {
  it('counts requests and each kind of error, and takes percentiles over responses only', () => {
    const outcomes: RequestOutcome[] = [
      ...Array.from({ length: 18 }, (_, i) => ok(i, i + 1, i % 2 ? 'history' : 'buddies')), // latencies 1..18
      { atMs: 18, kind: 'non2xx', latencyMs: 100, endpoint: 'login' },
      { atMs: 19, kind: 'socket', latencyMs: null, endpoint: null },
      { atMs: 20, kind: 'timeout', latencyMs: null, endpoint: null },
    ];
    const w = summariseWindow(outcomes, 1_500);
    expect(w).toMatchObject({ realMs: 1_500, requests: 21, errors: 3, non2xx: 1, socketErrors: 1, timeouts: 1 });
    // 19 latencies: 1..18 and 100 → p50 = 10th, p90 = 18th (⌈17.1⌉), p99 = 19th.
    expect(w.latencyMs).toEqual({ p50: 10, p90: 18, p99: 100, max: 100 });
    expect(w.byEndpoint.login).toEqual({ requests: 1, non2xx: 1, p90: 100 });
    expect(w.byEndpoint.buddies?.requests).toBe(9);
    expect(w.byEndpoint.history?.requests).toBe(9);
  });

  it('has no latency figures for a window without responses', () => {
    expect(summariseWindow([], 1000)).toMatchObject({ requests: 0, errors: 0, latencyMs: null, byEndpoint: {} });
    expect(summariseWindow([{ atMs: 1, kind: 'timeout', latencyMs: null, endpoint: null }], 1000)).toMatchObject({ requests: 1, errors: 1, latencyMs: null });
  });
});

describe('bucketOutcomes', () => {
  it('puts each outcome in the window whose closing edge is the first at or after it', () => {
    const outcomes = [ok(0, 1), ok(1, 2), ok(10, 3), ok(10.5, 4), ok(20, 5), ok(25, 6), ok(31, 7)];
    const windows = bucketOutcomes(outcomes, [0, 10, 20, 30]);
    expect(windows.map((w) => w.requests)).toEqual([2, 2, 1]); // (0,10]: 1, 10 · (10,20]: 10.5, 20 · (20,30]: 25
    expect(windows.map((w) => w.realMs)).toEqual([10, 10, 10]);
    expect(windows.map((w) => w.latencyMs?.max)).toEqual([3, 5, 6]);
  });

  it('keeps empty windows (0 requests) and does not depend on the order of outcomes', () => {
    const outcomes = [ok(35, 2), ok(5, 1), ok(36, 9)];
    const windows = bucketOutcomes(outcomes, [0, 10, 20, 30, 40]);
    expect(windows.map((w) => w.requests)).toEqual([1, 0, 0, 2]);
    expect(windows[1]?.latencyMs).toBeNull();
    expect(windows[3]?.latencyMs).toMatchObject({ p50: 2, max: 9 });
  });

  it('needs two edges for a window and refuses decreasing edges', () => {
    expect(bucketOutcomes([ok(1, 1)], [5])).toEqual([]);
    expect(() => bucketOutcomes([], [10, 5])).toThrow(RangeError);
  });
});

describe('planHttpRate', () => {
  const mix = { login: 1, buddies: 3, weather: 2, history: 6 };
  it('plans users × requestsPerUserHour per simulated hour, and its real rate at the first scale', () => {
    const p = planHttpRate({ requestsPerUserHour: 12, mix, users: 6, timeScale: 585 });
    expect(p.requestsPerSimHour).toBe(72);
    // 72 per simulated hour at 585 simulated s per real s: 72 × 585 / 3600.
    expect(p.plannedPerSecond).toBeCloseTo(11.7, 6);
    expect(p.peakPerSecond).toBeCloseTo(11.7, 6);
    expect(p).not.toHaveProperty('ratePerSecond');
  });
  it('sizes for the fastest scale of the soak: the real rate follows each phase\'s scale', () => {
    const p = planHttpRate({ requestsPerUserHour: 12, mix, users: 100, timeScale: 46, scales: [46, 48, 1, 50] });
    expect(p.plannedPerSecond).toBeCloseTo((1200 * 46) / 3600, 9);
    expect(p.peakPerSecond).toBeCloseTo((1200 * 50) / 3600, 9);
  });
});

describe('request cycle', () => {
  it('gives each endpoint its share of the slots, interleaved', () => {
    const slots = slotsFor({ login: 1, buddies: 3, weather: 2, history: 6 });
    expect(Object.fromEntries(slots)).toEqual({ login: 2, buddies: 6, weather: 4, history: 12 });
    const order = interleave(slots);
    expect(order).toHaveLength(24);
    // No endpoint runs three times in a row with these weights (history is half).
    for (let i = 2; i < order.length; i++) expect(order[i] === order[i - 1] && order[i] === order[i - 2]).toBe(false);
  });

  it('builds real requests rotating over the accounts', () => {
    const accounts = [
      { username: 'vu00000', password: 'pw', token: 't0', historyWith: 'vu00001' },
      { username: 'vu00001', password: 'pw', token: 't1', historyWith: 'vu00000' },
    ];
    const cycle = buildRequestCycle({ login: 1, buddies: 1, weather: 0, history: 2 }, accounts, { login: '/api/login', buddies: '/api/buddies', weather: '/api/weather', history: '/api/im/history' });
    expect(cycle.filter((r) => r.endpoint === 'weather')).toHaveLength(0);
    const login = cycle.find((r) => r.endpoint === 'login');
    expect(login).toMatchObject({ method: 'POST', path: '/api/login' });
    expect(JSON.parse(login?.body ?? '{}')).toEqual({ username: 'vu00000', password: 'pw' });
    const history = cycle.filter((r) => r.endpoint === 'history');
    expect(history.map((r) => r.headers.authorization)).toEqual(expect.arrayContaining(['Bearer t0', 'Bearer t1']));
    expect(history[0]?.path).toBe('/api/im/history?with=vu00001&limit=50');
  });
});

describe('scenario http block', () => {
  it('office-day plans a few REST requests per user per simulated hour', () => {
    expect(officeDay.http).toEqual({ requestsPerUserHour: 12, mix: { login: 1, buddies: 3, weather: 2, history: 6 } });
  });
  it('is null when absent or zero, and validated otherwise', () => {
    const base = { name: 't', description: '', phases: [{ name: 'p', startHour: 0, rates: {} }] };
    expect(defineScenario(base).http).toBeNull();
    expect(defineScenario({ ...base, http: { requestsPerUserHour: 0, mix: { login: 1 } } }).http).toBeNull();
    expect(defineScenario({ ...base, http: { requestsPerUserHour: 4, mix: { history: 1 } } }).http?.mix).toEqual({ login: 0, buddies: 0, weather: 0, history: 1 });
    expect(() => defineScenario({ ...base, http: { requestsPerUserHour: 4, mix: {} } })).toThrow(ScenarioError);
    expect(() => defineScenario({ ...base, http: { requestsPerUserHour: -1, mix: { login: 1 } } })).toThrow(/requestsPerUserHour/);
    expect(() => defineScenario({ ...base, http: { requestsPerUserHour: 1, mix: { nope: 1 } as never } })).toThrow(/unknown http endpoint/);
  });
});
