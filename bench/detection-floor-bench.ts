/**
 * The detection floor of a default run, measured on real runs: the reference server keeps a
 * synthetic leak of R MiB per simulated hour (server/synthetic-leak.ts) and the heap rule must
 * name it. Rates bracket the 1 MiB/h budget (a slope is named only when its whole 95% interval
 * is above it). SOAK_BENCH_RATES="0.9,1.1" overrides the list.
 */
import { runSoak, summarise, type RunFigures } from './soak-runs.js';

const DEFAULT_RATES = [0.9, 1.1, 1.25];

export default async function detectionFloorBench(): Promise<object> {
  const text = process.env['SOAK_BENCH_RATES'];
  const rates = text ? text.split(',').map(Number).filter((r) => r > 0) : DEFAULT_RATES;
  const runs: RunFigures[] = [];
  for (const rate of rates) {
    process.stderr.write(`detection-floor: --synthetic-leak ${rate}\n`);
    runs.push(await runSoak(['--synthetic-leak', String(rate), '--no-snapshots']));
  }
  const named = runs.filter((r) => r.failingRules.includes('heap-slope'));
  const floor = named.length > 0 ? Math.min(...named.map((r) => Number(r.args[1]))) : null;
  return { floorMiBPerHour: floor, ...summarise(runs) };
}
