/**
 * Each leak switch alone in a default soak (100 users, 25 simulated hours, snapshots on): every
 * run should exit 1 with that leak's id among `verdict.leaks`. SOAK_BENCH_LEAKS="id,id" narrows
 * the list. `validate` does the same at 6 users and 5 hours, which is what `npm test` can afford.
 */
import { LEAK_IDS, parseLeaks } from '../common/leaks.js';
import { runSoak, summarise, type RunFigures } from './soak-runs.js';

export default async function leaksDefaultBench(): Promise<object> {
  const text = process.env['SOAK_BENCH_LEAKS'];
  const ids = text ? parseLeaks(text) : [...LEAK_IDS];
  const runs: (RunFigures & { readonly leak: string; readonly named: boolean })[] = [];
  for (const id of ids) {
    process.stderr.write(`leaks-default: --leaks ${id}\n`);
    const r = await runSoak(['--leaks', id]);
    runs.push({ ...r, leak: id, named: r.exitCode === 1 && r.leaks.includes(id) });
  }
  return {
    allNamed: runs.every((r) => r.named),
    byLeak: runs.map((r) => ({ leak: r.leak, exitCode: r.exitCode, named: r.named, leaks: r.leaks, failingRules: r.failingRules, wallSeconds: r.wallSeconds, fidelity: r.fidelity })),
    ...summarise(runs),
  };
}
