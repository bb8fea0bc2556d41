/**
 * Running the measured server under clinic (`--profile clinic-doctor|clinic-heapprofiler`):
 * whether clinic can work on this Node, where its CLI is, the command line, and what it must
 * have written. clinic 13 is unmaintained; everything here was measured on Node 20.20 (2 cores):
 *
 * - Without `NO_INSIGHT` and with no terminal attached, `clinic doctor -- node …` exits 0 after
 *   ~0.5 s having started nothing and written nothing (its analytics consent prompt has nobody to
 *   ask). With `NO_INSIGHT=1` it runs offline.
 * - It also starts update-notifier, which spawns a detached process that asks registry.npmjs.org
 *   for a newer clinic: `NO_UPDATE_NOTIFIER=1` keeps the run on 127.0.0.1 and leaves nothing behind.
 * - `clinic doctor` spawns the command after `--` verbatim (node flags such as `--inspect` pass
 *   through) with `-r sampler.js --trace-events-enabled` in NODE_OPTIONS, stdio inherited. It
 *   writes `node_trace.*.log` in its working folder and refuses to start when one is already
 *   there, so it runs in a folder of its own. On the server's exit it writes
 *   `<dest>/<pid>.clinic-doctor/` (processstat, systeminfo, traceevent: ~50 KB for 5 s idle) and
 *   `<dest>/<pid>.clinic-doctor.html` (~400 KB); the analysis took 7.5 s after a 5 s idle run.
 * - `clinic heapprofiler` preloads an in-process sampling heap profiler (32 KiB interval) that
 *   stops on the server's SIGINT (or beforeExit) and writes `<dest>/<pid>.clinic-heapprofiler`
 *   (JSON, ~330 KB) then `…clinic-heapprofiler.html` (~1.1 MB), ~5 s after the signal. Its CLI
 *   ignores SIGINT itself and does NOT forward it (it counts on Ctrl+C reaching the whole process
 *   group), so the harness signals the server, not clinic. The write is asynchronous: a server
 *   that calls process.exit() right after its own shutdown cuts it (measured: a 0-byte file and
 *   clinic exit 1, `Unexpected end of JSON input`) — hence server/main.ts ends by draining.
 * - On Node ≥ 21.7 clinic doctor does not work (clinicjs/node-clinic#480; the fix,
 *   node-clinic-doctor#383, was never released), so the harness refuses before starting anything.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { ClinicKind, ProfileKind } from '../config/types.js';

/** First Node release clinic is known to break on (clinicjs/node-clinic#480). */
const CLINIC_BROKEN_FROM = { major: 21, minor: 7 } as const;

export function isClinicKind(kind: ProfileKind): kind is ClinicKind {
  return kind === 'clinic-doctor' || kind === 'clinic-heapprofiler';
}

/** `clinic-doctor` → `doctor`: clinic's subcommand and the suffix of what it writes. */
export function clinicTool(kind: ClinicKind): 'doctor' | 'heapprofiler' {
  return kind === 'clinic-doctor' ? 'doctor' : 'heapprofiler';
}

/**
 * Why clinic cannot run on Node `version` (e.g. `v22.3.0`), or null when it can. Pure: the
 * caller passes `process.version`. An unparsable version is refused too (better a plain message
 * than an obscure clinic failure).
 */
export function clinicUnsupportedReason(version: string): string | null {
  const m = /^v?(\d+)\.(\d+)\.\d+/.exec(version.trim());
  const plain = (why: string) =>
    `clinic does not work on Node ≥ ${CLINIC_BROKEN_FROM.major}.${CLINIC_BROKEN_FROM.minor} ` +
    `(unmaintained; clinicjs/node-clinic#480), ${why}: use --profile heap instead ` +
    `(an inspector sampling heap profile that DevTools opens), or run on Node 20`;
  if (!m) return plain(`and this Node's version '${version}' could not be read`);
  const major = Number(m[1]);
  const minor = Number(m[2]);
  const broken = major > CLINIC_BROKEN_FROM.major || (major === CLINIC_BROKEN_FROM.major && minor >= CLINIC_BROKEN_FROM.minor);
  return broken ? plain(`and this is Node ${version}`) : null;
}

/** Path of clinic's CLI script (`clinic/bin.js`), or null when the package is not installed. */
export function resolveClinicBin(): string | null {
  try {
    const require = createRequire(import.meta.url);
    const pkg = require.resolve('clinic/package.json');
    const bin = join(pkg, '..', 'bin.js');
    return existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}

/**
 * The environment clinic needs to run unattended: NO_INSIGHT (else it silently does nothing
 * without a terminal) and NO_UPDATE_NOTIFIER (else a detached process calls the npm registry).
 */
export const CLINIC_ENV: Readonly<Record<string, string>> = Object.freeze({ NO_INSIGHT: '1', NO_UPDATE_NOTIFIER: '1' });

/** `clinic <tool> --dest <dest> -- <node> <nodeArgs…>`, as arguments of `node <clinicBin>`. */
export function clinicArgs(clinicBin: string, kind: ClinicKind, dest: string, command: readonly string[]): string[] {
  return [clinicBin, clinicTool(kind), '--dest', dest, '--', ...command];
}

export interface ClinicOutput {
  /** Absolute path of a file or folder clinic wrote. */
  readonly path: string;
  /** Its size (a folder: the sum of its files), bytes. */
  readonly bytes: number;
}

function sizeOf(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.size;
  return readdirSync(path).reduce((sum, name) => sum + sizeOf(join(path, name)), 0);
}

/**
 * What clinic wrote into `dest` for the server with `pid` (its outputs are named by the profiled
 * process's pid): the data (doctor: a folder; heapprofiler: a JSON file) and the HTML. When the
 * pid is unknown, any output of that tool counts.
 */
export function findClinicOutput(kind: ClinicKind, dest: string, pid: number | null): ClinicOutput[] {
  if (!existsSync(dest)) return [];
  const suffix = `.clinic-${clinicTool(kind)}`;
  const names = readdirSync(dest).filter((name) => {
    const base = name.endsWith('.html') ? name.slice(0, -'.html'.length) : name;
    return base.endsWith(suffix) && (pid === null || base === `${pid}${suffix}`);
  });
  return names.sort().map((name) => ({ path: join(dest, name), bytes: sizeOf(join(dest, name)) }));
}

/**
 * Null when clinic's output is all there and non-empty (data and HTML), else what is missing —
 * a profiler that wrote nothing must fail the run, not pass it silently.
 */
export function clinicOutputProblem(kind: ClinicKind, outputs: readonly ClinicOutput[]): string | null {
  const html = outputs.find((o) => o.path.endsWith('.html'));
  const data = outputs.find((o) => !o.path.endsWith('.html'));
  const missing: string[] = [];
  if (!data) missing.push(`no .clinic-${clinicTool(kind)} data`);
  else if (data.bytes === 0) missing.push(`${data.path} is empty`);
  if (!html) missing.push('no HTML report');
  else if (html.bytes === 0) missing.push(`${html.path} is empty`);
  return missing.length > 0 ? missing.join(', ') : null;
}
