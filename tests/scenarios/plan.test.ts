/** The seeded plan: same seed → same actions; another seed → different; rates and phases respected. */
import { describe, expect, it } from 'vitest';
import { ActionPlan, arrivalMs, type PlannedAction } from '../../scenarios/plan.js';
import { defineScenario, phaseAt, ScenarioError } from '../../scenarios/scenario.js';
import { officeDay } from '../../scenarios/office-day.js';
import { reconnectStorm } from '../../scenarios/reconnect-storm.js';
import type { ClientCounts as HarnessClient, LoadCounts as HarnessLoad } from '../../harness/sample.js';
import type { ClientCounts, LoadCounts } from '../../scenarios/count-types.js';

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

  it('reports counts in exactly the harness sample shapes', () => {
    const toHarness = (c: ClientCounts, l: LoadCounts): [HarnessClient, HarnessLoad] => [c, l];
    const back = (c: HarnessClient, l: HarnessLoad): [ClientCounts, LoadCounts] => [c, l];
    expect(typeof toHarness).toBe('function');
    expect(typeof back).toBe('function');
  });
});
