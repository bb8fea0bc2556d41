/** 10 default soaks of the fixed server (seeds 1–10): every one should pass (see soak-runs.ts). */
import { runSoak, summarise, type RunFigures } from './soak-runs.js';

const RUNS = 10;

export default async function falseAlarmsBench(): Promise<object> {
  const runs: RunFigures[] = [];
  for (let seed = 1; seed <= RUNS; seed++) {
    process.stderr.write(`false-alarms: run ${seed} of ${RUNS}\n`);
    runs.push(await runSoak(['--seed', String(seed)]));
  }
  return { falseAlarms: runs.filter((r) => r.exitCode === 1).length, ...summarise(runs) };
}
