/**
 * `--load-command` in one sentence, for summary.md and the run's last log line: the command, its
 * PID, how long it ran against the soak's real length, and how it ended. Pure.
 */
import type { LoadCommandRecord } from '../analysis/load-command-fidelity.js';

export function loadCommandSentence(r: LoadCommandRecord): string {
  const head = `Load command \`${r.command}\` (pid ${r.pid}, output in ${r.log})`;
  const exit = r.signal ? `signal ${r.signal}` : `exit code ${String(r.exitCode)}`;
  const ran = r.ranSeconds === null ? '' : `after ${r.ranSeconds.toFixed(1)} s (the soak's real length from its start: ${r.soakRealSeconds.toFixed(1)} s)`;
  switch (r.endedBy) {
    case null:
      return `${head}: still running when this was written.`;
    case 'cooldown':
      return `${head}: stopped at the cool-down ${ran} (SIGTERM to its process group${r.killed ? ', then SIGKILL after the grace' : ''}; ${exit}).`;
    case 'teardown':
      return `${head}: stopped by the harness when the run ended, ${ran} (SIGTERM to its process group${r.killed ? ', then SIGKILL after the grace' : ''}; ${exit}).`;
    case 'itself':
      if (r.exitCode !== 0) return `${head}: failed on its own ${ran} (${exit}), before the cool-down.`;
      // Past the soak's end the harness was only late to stop it (its cool-down sample): nothing unloaded.
      if (r.ranSeconds !== null && r.ranSeconds >= r.soakRealSeconds) return `${head}: exited 0 on its own at the soak's end, ${ran}.`;
      return `${head}: exited 0 on its own ${ran}, before the cool-down: the soak hours after that ran without its load.`;
  }
}
