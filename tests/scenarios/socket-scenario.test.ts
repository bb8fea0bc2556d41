/**
 * The user scenario file: validation names every bad field with its path; a seed replays the
 * same plan (and the session's own draws); rates shape the mix.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isScenarioFile, loadScenarioFile } from '../../scenarios/scenario-file.js';
import { ScenarioFileError, validateSocketScenario } from '../../scenarios/socket-scenario-schema.js';
import { sessionRng, SocketPlan, type PlannedRun } from '../../scenarios/socket-plan.js';
import type { SocketPhase } from '../../scenarios/socket-scenario.js';
import { BOARD_SCENARIO } from '../helpers/board-process.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const noop = async () => undefined;
const valid = () => ({
  name: 't',
  population: { users: 3 },
  actions: { post: noop, list: noop },
  phases: [{ name: 'day', startHour: 8, rates: { post: 6, list: 20 } }],
});

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioFileError);
    return (err as Error).message;
  }
  throw new Error('expected a ScenarioFileError');
}

describe('scenario file validation', () => {
  it('accepts a valid scenario and fills its defaults', () => {
    const s = validateSocketScenario(valid());
    expect(s.hours).toBe(1);
    expect(s.population).toEqual({ users: 3, rampMs: 0 });
    expect(s.thinkTimeMs).toEqual({ min: 0, max: 0 });
    expect(s.timers).toEqual({});
  });

  it('reports every invalid or unknown field with its path, at once', () => {
    const raw = {
      ...valid(),
      population: { users: 0, crowd: 1 },
      phases: [valid().phases[0], { name: 'night', startHour: 20, rates: { post: 'fast' } }],
      actions: { post: 'not a function', list: noop },
      timers: { ping: { everyMs: 10, run: noop } },
      colour: 'blue',
    };
    const message = messageOf(() => validateSocketScenario(raw));
    expect(message).toMatch(/phases\[1\]\.rates\.post: .*expected number/);
    expect(message).toMatch(/population\.users: /);
    expect(message).toMatch(/population\.crowd: unknown field/);
    expect(message).toMatch(/actions\.post: expected a function/);
    expect(message).toMatch(/timers\.ping\.everyMs: /);
    expect(message).toMatch(/(^|\s)colour: unknown field/);
  });

  it('names a rate whose action does not exist', () => {
    const raw = { ...valid(), phases: [{ name: 'day', startHour: 8, rates: { psot: 1 } }] };
    expect(messageOf(() => validateSocketScenario(raw))).toMatch(/phases\[0\]\.rates\.psot: no action named 'psot'/);
  });

  it('loads a TypeScript file by path with the public entry, and reports a bad file with paths', async () => {
    const board = await loadScenarioFile(BOARD_SCENARIO);
    expect(board.name).toBe('board');
    expect(Object.keys(board.actions)).toContain('post');
    const err = await loadScenarioFile(fixture('invalid.scenario.ts')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ScenarioFileError);
    expect((err as Error).message).toMatch(/phases\[1\]\.rates\.post: .*expected number/);
    expect((err as Error).message).toMatch(/population\.crowd: unknown field/);
    expect((err as Error).message).toMatch(/actions\.post: expected a function/);
    await expect(loadScenarioFile(fixture('missing.scenario.ts'))).rejects.toThrow(/not found/);
  });

  it('tells files from shipped names', () => {
    expect(isScenarioFile('office-day')).toBe(false);
    expect(isScenarioFile('./board.scenario.ts')).toBe(true);
    expect(isScenarioFile('board.scenario.ts')).toBe(true);
  });
});

describe('seeded plans', () => {
  const phases: SocketPhase[] = [
    { name: 'day', startHour: 8, rates: { post: 6, list: 20 } },
    { name: 'night', startHour: 20, rates: { list: 2 } },
  ];
  const shape = validateSocketScenario({ ...valid(), hours: 48, thinkTimeMs: { min: 1_000, max: 4_000 }, phases });
  const take = (seed: number, user: number, n: number): PlannedRun[] => {
    const plan = new SocketPlan(shape, seed, user);
    const out: PlannedRun[] = [];
    for (let r = plan.next(); r && out.length < n; r = plan.next()) out.push(r);
    return out;
  };

  it('replays the same sequence for the same seed and user, another for another seed or user', () => {
    const a = take(7, 3, 300);
    expect(a.length).toBe(300);
    expect(take(7, 3, 300)).toEqual(a);
    expect(take(8, 3, 300)).not.toEqual(a);
    expect(take(7, 4, 300)).not.toEqual(a);
    const r1 = sessionRng(7, 3);
    const r2 = sessionRng(7, 3);
    expect(Array.from({ length: 5 }, r1)).toEqual(Array.from({ length: 5 }, r2));
  });

  it('draws actions in proportion to their rates, and only those of the phase in force', () => {
    const runs = take(1, 0, 100_000);
    const hourOfDay = (ms: number) => (8 + ms / 3_600_000) % 24;
    const day = runs.filter((r) => hourOfDay(r.atMs) < 20 && hourOfDay(r.atMs) >= 8);
    const night = runs.filter((r) => !(hourOfDay(r.atMs) < 20 && hourOfDay(r.atMs) >= 8));
    expect(night.length).toBeGreaterThan(0);
    expect(night.every((r) => r.action === 'list')).toBe(true);
    const posts = day.filter((r) => r.action === 'post').length;
    // Share of posts 6/26 = 0.231; binomial sd over ~600 draws is ~0.017, so ±0.07 is > 4 sd.
    expect(posts / day.length).toBeGreaterThan(0.231 - 0.07);
    expect(posts / day.length).toBeLessThan(0.231 + 0.07);
  });
});
