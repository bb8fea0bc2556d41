/** The seeded plan: same seed → same actions; another seed → different; rates and phases respected; counts folded. */
import { describe, expect, it } from 'vitest';
import { ActionPlan, arrivalMs, type PlannedAction } from '../../scenarios/plan.js';
import { defineScenario, phaseAt, ScenarioError } from '../../scenarios/scenario.js';
import { officeDay } from '../../scenarios/office-day.js';
import { reconnectStorm } from '../../scenarios/reconnect-storm.js';
import type { ClientCounts as HarnessClient, LoadCounts as HarnessLoad } from '../../harness/sample.js';
import type { ClientCounts } from '../../scenarios/count-types.js';
import { emptyClientCounts, emptyLoadTotals, mergeClientCounts, mergeLoadTotals } from '../../scenarios/counts.js';

function take(plan: ActionPlan, n = Infinity): PlannedAction[] {
  const out: PlannedAction[] = [];
  for (let a = plan.next(); a && out.length < n; a = plan.next()) out.push(a);
  return out;
}

describe('ActionPlan', () => {
  it('replays the same action sequence for the same seed and user', () => {
    const a = take(new ActionPlan(officeDay, 42, 7));
    const b = take(new ActionPlan(officeDay, 42, 7));
    expect(a.length).toBeGreaterThan(100);
    expect(b).toEqual(a);
    expect(take(new ActionPlan(officeDay, 43, 7), 20)).not.toEqual(a.slice(0, 20));
    expect(take(new ActionPlan(officeDay, 42, 8), 20)).not.toEqual(a.slice(0, 20));
  });

  it('keeps to the phase mix: morning chat, afternoon drags, idle night, in time order', () => {
    const actions = Array.from({ length: 50 }, (_, u) => take(new ActionPlan(officeDay, 1, u))).flat();
    const inPhase = (name: string) => actions.filter((a) => phaseAt(officeDay, a.atMs).phase.name === name);
    const share = (list: PlannedAction[], type: string) => list.filter((a) => a.type === type).length / list.length;
    expect(inPhase('night')).toHaveLength(0);
    expect(share(inPhase('morning'), 'im.send')).toBeGreaterThan(0.5);
    expect(share(inPhase('afternoon'), 'window.drag')).toBeGreaterThan(share(inPhase('morning'), 'window.drag'));
    expect(share(inPhase('commute'), 'network.drop')).toBeGreaterThan(0.2);
    // Morning: 44.9 actions/h/user nominal, less the think time (3–15 s): about 40/h, over
    // 5 morning hours in 25 (08–12 on day one, 08–09 on day two).
    const perUserMorning = inPhase('morning').length / 50 / 5;
    expect(perUserMorning).toBeGreaterThan(30);
    expect(perUserMorning).toBeLessThan(46);
    const one = take(new ActionPlan(officeDay, 1, 3));
    expect(one.every((a, i) => i === 0 || a.atMs >= (one[i - 1] as PlannedAction).atMs)).toBe(true);
    expect(one[0]!.atMs).toBeGreaterThanOrEqual(arrivalMs(officeDay, 3));
  });

  it('puts every user in a synchronized burst', () => {
    const drops = Array.from({ length: 20 }, (_, u) => take(new ActionPlan(reconnectStorm, 5, u)))
      .flat()
      .filter((a) => a.type === 'network.drop' && a.atMs >= 1_800_000 && a.atMs < 1_802_000);
    expect(drops).toHaveLength(20);
  });

  it('rejects bad scenarios with a named field', () => {
    expect(() => defineScenario({ name: 'x', description: '', phases: [] })).toThrow(ScenarioError);
    expect(() => defineScenario({ name: 'x', description: '', phases: [{ name: 'p', startHour: 0, rates: { 'im.send': -1 } }] })).toThrow(/rate of im.send/);
  });

  it('folds counts into the harness sample shapes: max of maxima, sum of sums, every field kept', () => {
    const vu = (n: number): ClientCounts => ({
      vus: 1,
      socketsOpen: n,
      socketsPerUserMax: n,
      listenersPerSocketMax: n,
      listenersPerSocketSum: 10 * n,
      listenersByEvent: { 'im:new': { max: n, sum: 10 * n } },
      documentListenersMax: n,
      documentListenersSum: 2 * n,
      documentListenersByType: { mousemove: n },
      intervalsAlive: 3 * n,
      timeoutsAlive: n,
      duplicateDeliveries: n,
    });
    const client: HarnessClient = mergeClientCounts(mergeClientCounts(emptyClientCounts(), vu(1)), vu(3));
    expect(client).toEqual({
      vus: 2,
      socketsOpen: 4,
      socketsPerUserMax: 3,
      listenersPerSocketMax: 3,
      listenersPerSocketSum: 40,
      listenersByEvent: { 'im:new': { max: 3, sum: 40 } },
      documentListenersMax: 3,
      documentListenersSum: 8,
      documentListenersByType: { mousemove: 4 },
      intervalsAlive: 12,
      timeoutsAlive: 4,
      duplicateDeliveries: 4,
    });
    const a = { ...emptyLoadTotals(), actions: { 'im.send': 2 }, timerEvents: { 'presence-ping': 2 }, errorCodes: { 'im:send:ack-timeout': 1 }, plannedActions: 5, doneActions: 4, failedActions: 1, pendingActions: 0, messagesSent: 2, messagesAcked: 2, messagesFailed: 0, messagesDelivered: 1, reconnects: 1, errors: 0 };
    const b = { ...emptyLoadTotals(), actions: { 'im.send': 1, reload: 1 }, timerEvents: { 'presence-ping': 1, weather: 1 }, errorCodes: { 'im:send:ack-timeout': 2, 'im:read:forbidden': 1 }, plannedActions: 3, doneActions: 3, failedActions: 2, pendingActions: 4, messagesSent: 1, messagesAcked: 0, messagesFailed: 1, messagesDelivered: 2, reconnects: 0, errors: 1 };
    const latencyMs = { p50: 1, p95: 2, p99: 3, max: 4, count: 5 };
    const load: HarnessLoad = { ...mergeLoadTotals(a, b), latencyMs };
    expect(load).toEqual({ actions: { 'im.send': 3, reload: 1 }, timerEvents: { 'presence-ping': 3, weather: 1 }, errorCodes: { 'im:send:ack-timeout': 3, 'im:read:forbidden': 1 }, plannedActions: 8, doneActions: 7, failedActions: 3, pendingActions: 4, messagesSent: 3, messagesAcked: 2, messagesFailed: 1, messagesDelivered: 3, reconnects: 1, errors: 1, latencyMs });
  });
});
