/**
 * The `--profile` side of one run: the preflight that refuses before anything starts, how the
 * server is spawned, when the heap profile starts and stops, and the check that clinic really
 * wrote something. Every file handed off is listed in `files` (→ report.json `run.profiles`).
 */
import { relative, join } from 'node:path';
import type { ClinicKind, ProfileKind } from '../config/types.js';
import type { ProfileFile } from '../analysis/report-types.js';
import { TargetError, UsageError } from '../errors.js';
import type { InspectorProbe } from '../probes/inspector-probe.js';
import type { RunListener } from '../run/run-events.js';
import type { ClinicWrap, ServerHandle } from '../run/spawn-server.js';
import type { Phase } from '../sample.js';
import { clinicOutputProblem, clinicUnsupportedReason, findClinicOutput, isClinicKind, resolveClinicBin } from './clinic.js';
import { HEAP_SAMPLING_INTERVAL_BYTES, heapProfileStats, writeHeapProfile } from './heap-profile.js';
import { formatBytes } from '../report/format.js';

/** Folder of clinic's output inside the run folder (also its working folder). */
export const CLINIC_DIR = 'clinic';

/**
 * Checks that the profiler can run here, before a run folder or a process exists. Returns
 * clinic's CLI script for clinic kinds. Throws a UsageError (exit 2) with a plain reason.
 */
export function preflightProfile(kind: ProfileKind, nodeVersion: string = process.version): string | null {
  if (!isClinicKind(kind)) return null;
  const unsupported = clinicUnsupportedReason(nodeVersion);
  if (unsupported) throw new UsageError(unsupported);
  const bin = resolveClinicBin();
  if (!bin) throw new UsageError(`--profile ${kind} needs clinic, which is not installed (devDependency 'clinic'): run npm install, or use --profile heap`);
  return bin;
}

export class RunProfiler {
  readonly files: ProfileFile[] = [];
  #sampling = false;

  constructor(
    readonly kind: ProfileKind,
    readonly runDir: string,
    private readonly clinicBin: string | null,
    private readonly emit: RunListener,
  ) {}

  /** How to spawn the reference server: under clinic or not, and in its own process group when profiling. */
  spawnOptions(): { clinic?: ClinicWrap; detached: boolean } {
    const detached = this.kind !== 'none';
    if (!isClinicKind(this.kind) || !this.clinicBin) return { detached };
    return { clinic: { kind: this.kind, bin: this.clinicBin, dest: join(this.runDir, CLINIC_DIR) }, detached };
  }

  /**
   * The heap profile starts with the soak phase: allocations of start-up and warm-up (JIT, users
   * arriving) that stay alive are the server's steady state, not what the soak retained; what is
   * sampled after that and still alive at the end is what grows.
   */
  async onPhase(phase: Phase, inspector: InspectorProbe): Promise<void> {
    if (this.kind !== 'heap' || phase !== 'soak' || this.#sampling) return;
    await inspector.startHeapSampling(HEAP_SAMPLING_INTERVAL_BYTES);
    this.#sampling = true;
    this.emit({ type: 'log', message: `heap profile: sampling the server's allocations from here to the end (every ~${HEAP_SAMPLING_INTERVAL_BYTES / 1024} KiB)` });
  }

  /**
   * Stops the heap profile and writes `server.heapprofile` — also for an interrupted or failed
   * run, as long as the server still answers. Returns the error that lost it, if any.
   */
  async stopHeap(inspector: InspectorProbe): Promise<Error | null> {
    if (!this.#sampling) {
      if (this.kind === 'heap') this.emit({ type: 'log', message: 'heap profile: not written (the run ended before the soak phase began)' });
      return null;
    }
    this.#sampling = false;
    try {
      const profile = await inspector.stopHeapSampling();
      const { path, bytes } = writeHeapProfile(this.runDir, profile);
      const stats = heapProfileStats(profile);
      this.files.push({ kind: 'heap', path: relative(this.runDir, path), bytes });
      this.emit({ type: 'log', message: `heap profile: ${path} (${formatBytes(bytes)}; ${stats.samples} sampled allocations alive at the end, ~${formatBytes(stats.liveBytes)})` });
      return null;
    } catch (error) {
      return new TargetError('ERR_PROFILE', `the heap profile could not be read from the server: ${(error as Error).message}`, { cause: error });
    }
  }

  /**
   * After the server (and clinic) stopped: clinic's output must exist and be non-empty, else the
   * run fails (exit 4) — clinic exits 0 in situations where it wrote nothing.
   */
  collectClinic(server: ServerHandle, endedOnItsOwn: boolean, stopMs: number): Error | null {
    if (!isClinicKind(this.kind)) return null;
    const kind: ClinicKind = this.kind;
    const dest = join(this.runDir, CLINIC_DIR);
    const outputs = findClinicOutput(kind, dest, server.pid);
    for (const o of outputs) this.files.push({ kind, path: relative(this.runDir, o.path), bytes: o.bytes });
    const problem = clinicOutputProblem(kind, outputs);
    if (problem === null) {
      this.emit({ type: 'log', message: `${kind}: the server stopped and clinic wrote its output in ${(stopMs / 1000).toFixed(1)} s` });
      for (const o of outputs) this.emit({ type: 'log', message: `${kind}: ${o.path} (${formatBytes(o.bytes)})` });
      return null;
    }
    const why = endedOnItsOwn ? '' : ' (clinic did not finish in time and was killed)';
    return new TargetError('ERR_PROFILE', `${kind} wrote no usable profile into ${dest}${why}: ${problem}. clinic's and the server's last output:\n${server.tail()}`);
  }
}
