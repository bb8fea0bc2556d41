import { createHash } from 'node:crypto';

/**
 * A sortable run id: UTC time, scenario, and a short hash of the config, e.g.
 * `20261127-021500-office-day-3f9a1c`. Sorting the folder names sorts the runs by time.
 */
export function makeRunId(startedAt: Date, scenario: string, configJson: string): string {
  const iso = startedAt.toISOString(); // 2026-11-27T02:15:00.123Z
  const stamp = `${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 19).replaceAll(':', '')}`;
  const hash = createHash('sha256').update(configJson).update(iso).digest('hex').slice(0, 6);
  const safeScenario = scenario.replace(/[^a-z0-9-]+/gi, '-').toLowerCase();
  return `${stamp}-${safeScenario}-${hash}`;
}
