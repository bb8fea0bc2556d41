/**
 * A load worker thread for a user scenario file: socket-only virtual users (no DOM), one
 * socket.io-client connection each, all timers on one SimClock. Same scheduling as the reference
 * worker (vu-worker.ts): a tick starts arrivals, counts actions that came due (planned) and starts
 * each idle user's next due action; a user does one action at a time, so one that falls behind
 * accumulates due actions instead of dropping them. An action is done only when its script
 * succeeded (every ack and wait within its time-out, every check true); a failure is counted as
 * `<action>:timeout|check|error` and as a load error.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { quietHeap } from './worker-heap.js';
import { SimClock } from '../common/sim-clock.js';
import { emptyClientCounts, emptyLoadTotals } from './counts.js';
import { encode, newHistogram } from './latency.js';
import { loadScenarioFile } from './scenario-file.js';
import { sessionRng, SocketPlan, socketArrivalMs, type PlannedRun } from './socket-plan.js';
import { ScriptFailure } from './socket-scenario.js';
import { SocketUser, type Outcome } from './socket-user.js';
import { usernameFor, type FromWorker, type SocketWorkerConfig, type ToWorker, type WorkerCounts } from './worker-protocol.js';

/** Scheduler period, real ms (as vu-worker.ts). */
const TICK_REAL_MS = 10;
/**
 * Real ms one action may run before it counts as a time-out and its user moves on: bounds a
 * script that loops or waits forever (its own awaits keep their own, shorter, time-outs).
 */
const ACTION_MAX_REAL_MS = 60_000;

const config = workerData as SocketWorkerConfig;
const post = (m: FromWorker) => parentPort?.postMessage(m);
const clock = new SimClock(config.clock);
const totals = emptyLoadTotals();
const latency = newHistogram();

interface Slot {
  readonly index: number;
  readonly arriveAtMs: number;
  readonly plan: SocketPlan;
  next: PlannedRun | null;
  readonly due: PlannedRun[];
  user: SocketUser | null;
  busy: boolean;
}

let everConnected = false;
let failedSent = false;
let slots: Slot[] = [];
const scenarioMs = (): number => clock.now() - config.startSimMs;

function bounded(work: Promise<Outcome>): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  const cap = new Promise<Outcome>((resolve) => (timer = setTimeout(() => resolve('timeout'), ACTION_MAX_REAL_MS)));
  return Promise.race([work, cap]).finally(() => clearTimeout(timer));
}

async function connect(user: SocketUser): Promise<Outcome> {
  try {
    await user.ensureConnected();
    everConnected = true;
    return 'ok';
  } catch (err) {
    // No user of this worker ever got on: the target or the scenario's auth is wrong, say so now.
    if (!everConnected && !failedSent) {
      failedSent = true;
      post({ type: 'error', message: `no virtual user could connect to ${config.serverUrl}: ${(err as Error).message}` });
    }
    return err instanceof ScriptFailure ? err.reason : 'error';
  }
}

async function runAction(user: SocketUser, action: string, script: Parameters<SocketUser['run']>[0]): Promise<void> {
  const connected = await connect(user);
  if (connected !== 'ok') return user.count(action, connected);
  const outcome = await bounded(user.run(script));
  user.count(action, outcome);
  if (outcome === 'ok') totals.doneActions += 1;
}

function step(slot: Slot, actions: Record<string, Parameters<SocketUser['run']>[0]>, makeUser: (i: number) => SocketUser): void {
  const now = scenarioMs();
  while (slot.next && slot.next.atMs <= now) {
    slot.due.push(slot.next);
    totals.plannedActions += 1;
    slot.next = slot.plan.next();
  }
  // A quiet checkpoint (harness/run/checkpoints.ts): nothing new starts until the hold ends.
  if (slot.busy || clock.isHeld()) return;
  let work: Promise<void> | null = null;
  if (!slot.user) {
    if (now < slot.arriveAtMs) return;
    const user = makeUser(slot.index);
    slot.user = user;
    work = connect(user).then((o) => user.count('connect', o));
  } else {
    const run = slot.due.shift();
    if (run) work = runAction(slot.user, run.action, actions[run.action]!);
  }
  if (!work) return;
  slot.busy = true;
  void work.finally(() => (slot.busy = false));
}

function collect(gc = false): WorkerCounts {
  const client = emptyClientCounts();
  let vus = 0;
  let open = 0;
  let timers = 0;
  for (const s of slots) {
    if (!s.user) continue;
    vus += 1;
    if (s.user.connected) open += 1;
    timers += s.user.timersAlive;
  }
  const counts: WorkerCounts = {
    client: { ...client, vus, socketsOpen: open, socketsPerUserMax: open > 0 ? 1 : 0, intervalsAlive: timers, timeoutsAlive: clock.live().timeouts },
    load: { ...totals, actions: { ...totals.actions } },
    latency: encode(latency),
  };
  const heap = gc ? quietHeap(vus) : undefined;
  latency.reset();
  if (heap) return { ...counts, heap };
  return counts;
}

async function main(): Promise<void> {
  const scenario = await loadScenarioFile(config.scenarioFile);
  const shape = { ...scenario, population: { users: config.users, rampMs: scenario.population.rampMs }, hours: config.hours };
  slots = config.userIndices.map((index) => {
    const plan = new SocketPlan(shape, config.seed, index);
    return { index, arriveAtMs: socketArrivalMs(shape, index), plan, next: plan.next(), due: [], user: null, busy: false };
  });
  const makeUser = (index: number) =>
    new SocketUser({
      serverUrl: config.serverUrl,
      scenario,
      user: { index, name: usernameFor(scenario.usernamePrefix, index) },
      rng: sessionRng(config.seed, index),
      clock,
      totals,
      latency,
    });
  let doneSent = false;
  const ticker = setInterval(() => {
    for (const slot of slots) step(slot, scenario.actions, makeUser);
    if (!doneSent && scenarioMs() >= shape.hours * 3_600_000) {
      doneSent = true;
      post({ type: 'done' });
    }
  }, TICK_REAL_MS);
  parentPort?.on('message', (m: ToWorker) => {
    if (m.type === 'collect') post({ type: 'counts', id: m.id, counts: collect(m.gc === true) });
    if (m.type === 'stop') {
      clearInterval(ticker);
      const counts = collect();
      for (const s of slots) s.user?.stop();
      clock.clearAll();
      post({ type: 'stopped', id: m.id, counts });
    }
  });
  post({ type: 'ready' });
}

main().catch((err: Error) => post({ type: 'error', message: err.message }));
