/**
 * A load worker thread: runs its share of virtual users through their seeded plans. One
 * scheduler tick (every TICK_REAL_MS) starts arrivals, counts actions that came due (planned),
 * and starts each idle user's next due action; a user does one action at a time, so a user
 * that falls behind accumulates due actions (planned > done) instead of dropping them. An action
 * counts as done only when it succeeded within ACTION_TIMEOUT_REAL_MS (an IM once acked).
 */
import './dom-realm.js';
import { parentPort, workerData } from 'node:worker_threads';
import { SimClock } from '../common/sim-clock.js';
import { emptyClientCounts, emptyLoadTotals, mergeClientCounts } from './counts.js';
import { startAction } from './action-outcome.js';
import { encode, newHistogram } from './latency.js';
import { ActionPlan, arrivalMs, type PlannedAction } from './plan.js';
import { usernameFor, type FromWorker, type ToWorker, type WorkerConfig, type WorkerCounts } from './worker-protocol.js';
import { VirtualUser } from './virtual-user.js';
import { VuProbe } from './vu-probe.js';
import { quietHeap } from './worker-heap.js';

/** Scheduler period, real ms: short against think times at any scale we run (≥ 3 s sim / S=600 = 5 ms is the floor we accept). */
const TICK_REAL_MS = 10;
/** Actions that close the user's socket (a reload, a dropped network, a log off and on again). */
const LINK_DROPPING: ReadonlySet<PlannedAction['type']> = new Set(['reload', 'network.drop', 'logoff-on']);
/** Retries of a setup buddy request whose target has not logged in yet. */
const REQUEST_RETRIES = 5;

const config = workerData as WorkerConfig;
const post = (m: FromWorker) => parentPort?.postMessage(m);
const clock = new SimClock(config.clock);
const totals = emptyLoadTotals();
let latency = newHistogram();
const s = config.scenario;

interface Slot {
  readonly index: number;
  readonly arriveAtMs: number;
  readonly plan: ActionPlan;
  next: PlannedAction | null;
  readonly due: PlannedAction[];
  vu: VirtualUser | null;
  busy: boolean;
  requested: boolean;
}

const slots: Slot[] = config.userIndices.map((index) => {
  const plan = new ActionPlan(s, config.seed, index);
  return { index, arriveAtMs: arrivalMs(s, index), plan, next: plan.next(), due: [], vu: null, busy: false, requested: false };
});

const scenarioMs = (): number => clock.now() - config.startSimMs;

function count(key: string): void {
  totals.actions[key] = (totals.actions[key] ?? 0) + 1;
}

/**
 * What an action did: false when there was nothing to act on, true when it is complete, or the
 * server's verdict still to come (an IM: its ack).
 */
type Acted = boolean | { readonly ack: Promise<boolean> };

async function act(vu: VirtualUser, action: PlannedAction): Promise<Acted> {
  switch (action.type) {
    case 'im.open': return vu.openIm(action.pick);
    case 'im.send': {
      const before = vu.probe.lastOutcome;
      if (!(await vu.sendMessage(action.pick))) return false;
      const ack = vu.probe.lastOutcome;
      // No new send reached the probe (the form ignored an empty text): nothing was sent.
      return ack && ack !== before ? { ack } : false;
    }
    case 'window.drag': return vu.drag(action.pick, s.dragMoves);
    case 'window.resize': return vu.resize(action.pick, s.dragMoves);
    case 'window.close': return vu.closeWindow(action.pick);
    case 'reload': return vu.reload();
    case 'network.drop': return vu.networkDrop();
    case 'logoff-on': return vu.logOffOn();
  }
}

/**
 * Runs one action and counts how it ended (action-outcome.ts): done only when it succeeded within
 * its real-time time-out. Resolves when the user is free again; an IM's ack may come later (the
 * user does not wait for it to type on, as nobody waits for the tick before typing on; only a
 * gesture that closes the socket waits for it, see LINK_DROPPING).
 */
async function run(slot: Slot, action: PlannedAction): Promise<void> {
  const vu = slot.vu as VirtualUser;
  // A gesture that takes the link down waits for this user's IMs in flight to be acknowledged
  // (or failed: the client's ack time-out bounds the wait at 10 s real). At S = 1 an ack (~10 ms)
  // comes long before the user's next gesture (think time ≥ 3 s); at S = 158 that think time
  // is 19 ms real while the ack still takes up to ~100 ms real, so without the wait a reload
  // cut the socket under its own sends: 38 of 661 IMs of a fixed 6-user CI soak "failed" on
  // their disconnect, a time-compression artefact that made the run inconclusive.
  if (LINK_DROPPING.has(action.type)) await vu.probe.sendsSettled();
  totals.pendingActions += 1;
  const outcome = startAction((end) => {
    totals.pendingActions -= 1;
    count(end === 'done' ? action.type : `${action.type}:${end}`);
    if (end === 'done' || end === 'nothing') totals.doneActions += 1;
    else totals.failedActions += 1;
  });
  try {
    const acted = await act(vu, action);
    if (typeof acted === 'boolean') outcome.settle(acted ? 'done' : 'nothing');
    else void acted.ack.then((ok) => outcome.settle(ok ? 'done' : 'failed'));
  } catch {
    totals.errors += 1;
    outcome.settle('failed');
  }
}

/** Setup (not planned): ask the users just before this one to be buddies, retrying until they exist. */
function requestBuddies(slot: Slot): void {
  slot.requested = true;
  for (let j = 1; j <= s.buddiesPerUser && slot.index - j >= 0; j++) {
    const to = usernameFor(config.usernamePrefix, slot.index - j);
    const attempt = (left: number): void => {
      const socket = slot.vu?.sockets.current();
      if (!socket) return;
      socket.emit('buddy:request', { to }, (reply) => {
        if ('data' in reply || reply.error.code === 'conflict') return count('setup.buddy-request');
        if (left > 0) clock.setTimeout(() => attempt(left - 1), 30_000);
        else totals.errors += 1;
      });
    };
    attempt(REQUEST_RETRIES);
  }
}

function step(slot: Slot): void {
  const now = scenarioMs();
  while (slot.next && slot.next.atMs <= now) {
    slot.due.push(slot.next);
    totals.plannedActions += 1;
    slot.next = slot.plan.next();
  }
  // A quiet checkpoint (harness/run/checkpoints.ts): nothing new starts, what is due waits for
  // the hold's end; actions in flight finish on their own.
  if (slot.busy || held) return;
  if (!slot.vu) {
    if (now < slot.arriveAtMs) return;
    slot.busy = true;
    const vu = new VirtualUser({
      serverUrl: config.serverUrl,
      username: usernameFor(config.usernamePrefix, slot.index),
      password: config.password,
      leaks: config.leaks,
      clock: config.clock,
      probe: new VuProbe(totals, latency),
      onReconnect: () => (totals.reconnects += 1),
    });
    slot.vu = vu;
    vu.logOn()
      .then(() => {
        everConnected = true;
        if (!config.buddiesSeeded) requestBuddies(slot);
      })
      .catch((err: Error) => fail(err))
      .finally(() => (slot.busy = false));
    return;
  }
  let work: Promise<unknown> | null = null;
  if (slot.vu.probe.pending.length > 0) {
    slot.vu.probe.pending = [];
    work = slot.vu.acceptPending().then((n) => {
      for (let i = 0; i < n; i++) count('setup.buddy-accept');
    });
  } else {
    const action = slot.due.shift();
    if (action) work = run(slot, action);
  }
  if (!work) return;
  slot.busy = true;
  work
    .catch(() => (totals.errors += 1))
    .finally(() => (slot.busy = false));
}

let everConnected = false;
let failed = false;
/** A failed log-on counts as an error; if no user of this worker ever got on, the load cannot run. */
function fail(err: Error): void {
  totals.errors += 1;
  if (!everConnected && !failed) {
    failed = true;
    post({ type: 'error', message: err.message });
  }
}

let doneSent = false;
/** Whether the clock is in a quiet hold, read once per tick. */
let held = false;
const ticker = setInterval(() => {
  held = clock.isHeld();
  for (const slot of slots) step(slot);
  if (!doneSent && scenarioMs() >= s.hours * 3_600_000) {
    doneSent = true;
    post({ type: 'done' });
  }
}, TICK_REAL_MS);

function collect(gc = false): WorkerCounts {
  let client = emptyClientCounts();
  for (const slot of slots) if (slot.vu) client = mergeClientCounts(client, slot.vu.counts());
  const epochMs = Date.now();
  const load = { ...totals, actions: { ...totals.actions }, timerEvents: { ...totals.timerEvents }, errorCodes: { ...totals.errorCodes }, clock: { simMs: clock.simAt(epochMs), epochMs } };
  const heap = gc ? quietHeap(slots.filter((x) => x.vu).length) : undefined;
  const counts: WorkerCounts = { client, load, latency: encode(latency), ...(heap ? { heap } : {}) };
  latency.reset();
  return counts;
}

parentPort?.on('message', (m: ToWorker) => {
  if (m.type === 'collect') post({ type: 'counts', id: m.id, counts: collect(m.gc === true) });
  if (m.type === 'stop') {
    clearInterval(ticker);
    const counts = collect();
    Promise.allSettled(slots.map((x) => x.vu?.stop()))
      .then(() => {
        clock.clearAll();
        latency.destroy();
        latency = newHistogram();
        post({ type: 'stopped', id: m.id, counts });
      })
      .catch(() => post({ type: 'stopped', id: m.id, counts }));
  }
});

post({ type: 'ready' });
