/**
 * The report of an inspector-only soak (a --target without --metrics): report.json's config says
 * `metrics: null`, and summary.md and report.html say no /metrics was read; a run that scraped says which.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../harness/config/resolve-config.js';
import type { ResolvedSoakConfig } from '../../harness/config/types.js';
import { finishRun } from '../../harness/run/finish-run.js';
import type { TimeScaleChoice } from '../../harness/run/time-scale.js';
import { fixedSamples } from '../report/fixtures.js';

async function finish(config: ResolvedSoakConfig, scraped: boolean) {
  const runDir = mkdtempSync(join(tmpdir(), 'rol-soak-inspector-only-'));
  const samples = fixedSamples(false).map((s) => (scraped ? s : { ...s, metrics: {} }));
  const report = await finishRun({
    config,
    runId: 'inspector-only',
    runDir,
    startedAt: new Date('2026-01-01T00:00:00Z'),
    timeScale: { scale: 1, intervalFloorMs: 1 } as TimeScaleChoice,
    store: { engine: 'target', version: 'unknown' },
    samples,
    snapshots: [],
    interrupted: false,
    error: null,
    wallSeconds: 100,
  });
  return { report, summary: readFileSync(join(runDir, 'summary.md'), 'utf8'), html: readFileSync(join(runDir, 'report.html'), 'utf8') };
}

const target = { url: 'http://127.0.0.1:7', inspect: '127.0.0.1:8' };

describe('report of a run without /metrics', () => {
  it('records metrics null and says so in summary.md', async () => {
    const { report, summary, html } = await finish(resolveConfig({ cli: { target, load: 'external' } }), false);
    expect(report.config.metrics).toBeNull();
    expect(report.config.target).toBe(target.url);
    expect(summary).toContain("No /metrics (inspector-only soak): rules that need the server's own metrics cannot be judged.");
    expect(html).toContain('No /metrics (inspector-only soak)');
  });

  it('records the endpoint a target was scraped at, and `reference` for the reference server', async () => {
    const scraped = await finish(resolveConfig({ cli: { target: { ...target, metrics: 'http://127.0.0.1:7/metrics' }, load: 'external' } }), true);
    expect(scraped.report.config.metrics).toBe('http://127.0.0.1:7/metrics');
    expect(scraped.summary).not.toContain('No /metrics');
    const reference = await finish(resolveConfig({}), true);
    expect(reference.report.config.metrics).toBe('reference');
  });
});
