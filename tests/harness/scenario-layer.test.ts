/**
 * The scenario's layer of the configuration: defaults < soak.config.ts < scenario < env < flags,
 * for a shipped scenario (reconnect-storm declares 3 hours) and a user scenario file alike, with
 * the source of each value recorded.
 */
import { describe, expect, it } from 'vitest';
import { configFromEnv } from '../../harness/config/env-config.js';
import { resolveConfig } from '../../harness/config/resolve-config.js';
import { chosenScenario, scenarioLayer } from '../../harness/config/scenario-layer.js';
import { UsageError } from '../../harness/errors.js';
import { loadRunScenario, TARGET_NEEDS_LOAD } from '../../harness/run/target-load.js';
import { reconnectStorm } from '../../scenarios/reconnect-storm.js';
import type { SoakUserConfig } from '../../harness/config/types.js';

const CWD = process.cwd();
const TARGET = { url: 'http://127.0.0.1:1', inspect: '127.0.0.1:2', metrics: 'http://127.0.0.1:1/metrics' };

async function resolveWith(layers: { file?: SoakUserConfig; env?: SoakUserConfig; cli?: SoakUserConfig }) {
  const { layer } = await scenarioLayer(chosenScenario(layers), CWD);
  return resolveConfig({ ...layers, scenario: layer });
}

describe('the scenario layer', () => {
  it("runs reconnect-storm for its declared hours, with the run settings it proposes, over the config file's", async () => {
    const c = await resolveWith({ file: { hours: 25, users: 100 }, cli: { scenario: 'reconnect-storm' } });
    expect(c.hours).toBe(reconnectStorm.hours);
    expect(c.hours).toBe(3);
    expect(c.warmupHours).toBe(0.5);
    expect(c.sampleEveryMinutes).toBe(5);
    expect(c.sources).toMatchObject({ scenario: 'cli', hours: 'scenario', warmupHours: 'scenario', users: 'scenario', out: 'default' });
  });

  it('yields to env and flags', async () => {
    const c = await resolveWith({ env: configFromEnv({ SOAK_SCENARIO: 'reconnect-storm', SOAK_HOURS: '4' }), cli: { users: 7 } });
    expect(c).toMatchObject({ scenario: 'reconnect-storm', hours: 4, users: 7 });
    expect(c.sources).toMatchObject({ scenario: 'env', hours: 'env', users: 'cli', warmupHours: 'scenario' });
  });

  it('is chosen by the file when no flag or env names a scenario', async () => {
    const c = await resolveWith({ file: { scenario: 'reconnect-storm', hours: 25 } });
    expect(c.hours).toBe(3);
    expect(c.sources.scenario).toBe('file');
  });

  it("fills a user scenario file's users and hours", async () => {
    const c = await resolveWith({ cli: { scenario: 'examples/board/board.scenario.ts', target: TARGET } });
    expect(c).toMatchObject({ users: 20, hours: 2 });
    expect(c.sources).toMatchObject({ users: 'scenario', hours: 'scenario' });
  });

  it('reports an invalid scenario file as a usage error naming the field', async () => {
    const err = await scenarioLayer('tests/scenarios/fixtures/invalid.scenario.ts', CWD).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(/phases\[1\]\.rates\.post/);
  });
});

describe("a run's load", () => {
  it('is refused for --target without a scenario file or an outside load', async () => {
    await expect(loadRunScenario({ scenario: 'office-day', target: TARGET, load: 'vus' }, CWD)).rejects.toThrow(TARGET_NEEDS_LOAD);
    await expect(loadRunScenario({ scenario: 'office-day', target: TARGET, load: 'external' }, CWD)).resolves.toBeNull();
    await expect(loadRunScenario({ scenario: 'office-day', target: null, load: 'vus' }, CWD)).resolves.toBeNull();
    await expect(loadRunScenario({ scenario: 'office-day', target: TARGET, load: 'external', loadCommand: 'k6 run x.ts' }, CWD)).resolves.toBeNull();
    expect(TARGET_NEEDS_LOAD).toMatch(/--load-command "k6 run script\.ts"/);
  });

  it('is not both a scenario file and a load command', async () => {
    await expect(loadRunScenario({ scenario: 'examples/board/board.scenario.ts', target: TARGET, load: 'external', loadCommand: 'k6 run x.ts' }, CWD)).rejects.toThrow(
      /--load-command and a scenario file both describe the load/,
    );
  });

  it('is a scenario file only against --target', async () => {
    await expect(loadRunScenario({ scenario: 'examples/board/board.scenario.ts', target: null, load: 'vus' }, CWD)).rejects.toThrow(/add --target/);
    const loaded = await loadRunScenario({ scenario: 'examples/board/board.scenario.ts', target: TARGET, load: 'vus' }, CWD);
    expect(loaded?.scenario.name).toBe('board');
    expect(loaded?.path).toMatch(/^\/.*examples\/board\/board\.scenario\.ts$/);
  });
});
