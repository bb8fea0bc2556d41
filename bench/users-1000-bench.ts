/** `npm run soak -- --users 1000`: 25 simulated hours; wall time and fidelity (see soak-runs.ts). */
import { runSoak, summarise } from './soak-runs.js';

export default async function users1000Bench(): Promise<object> {
  return summarise([await runSoak(['--users', '1000'])]);
}
