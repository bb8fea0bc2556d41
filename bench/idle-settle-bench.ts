/**
 * The idle checkpoint's heap reading (harness/probes/inspector-probe.ts, settle 'idle', the
 * default idleSettleSeconds): right after seeding 100 users (3 buddies each, as office-day) into
 * the reference server, as a run's baseline is read, a hold's back-to-back rounds against the
 * idle rounds up to 1 s apart; then 10 more forced GCs over 10 s show
 * whether the idle reading had really settled (what they still lower it by). Figures are medians
 * over IDLE_SETTLE_REPS (4) fresh servers. Knob: IDLE_SETTLE_REPS.
 */
import { resolveStore } from '../store/resolve.js';
import { spawnServer } from '../harness/run/spawn-server.js';
import { InspectorProbe } from '../harness/probes/inspector-probe.js';
import { seedBuddies } from '../scenarios/seed-buddies.js';
import { VU_PASSWORD, VU_USERNAME_PREFIX } from '../scenarios/worker-protocol.js';
import { DEFAULTS } from '../harness/config/defaults.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const KiB = 1024;

interface Rep {
  holdKiB: number;
  holdRounds: number;
  idleKiB: number;
  idleRounds: number;
  idleStable: boolean;
  idleRealMs: number;
  idleMainMs: number | null;
  /** How much 10 more forced GCs, 1 s apart, lowered the idle reading (KiB; 0 = it had settled). */
  laterDropKiB: number;
}

async function rep(): Promise<Rep> {
  const store = await resolveStore({ mode: 'wire' });
  const server = await spawnServer({ storeUri: store.uri, leaks: [], clock: { scale: 1 } });
  try {
    await server.startClock(Date.now());
    await seedBuddies({ serverUrl: server.url, users: 100, buddiesPerUser: 3, usernamePrefix: VU_USERNAME_PREFIX, password: VU_PASSWORD });
    const probe = await InspectorProbe.connect(server.inspectorUrl);
    try {
      const hold = await probe.sample({ settle: 'hold' });
      const idle = await probe.sample({ settle: 'idle', quietMs: DEFAULTS.idleSettleSeconds * 1000 });
      let lowest = idle.heapUsed;
      for (let i = 0; i < 10; i++) {
        await sleep(1_000);
        lowest = Math.min(lowest, (await probe.sample()).heapUsed);
      }
      return {
        holdKiB: Math.round(hold.heapUsed / KiB),
        holdRounds: hold.gcRounds ?? 1,
        idleKiB: Math.round(idle.heapUsed / KiB),
        idleRounds: idle.gcRounds ?? 1,
        idleStable: idle.heapStable === true,
        idleRealMs: Math.round(idle.probeMs),
        idleMainMs: idle.probeMainMs === undefined ? null : Math.round(idle.probeMainMs),
        laterDropKiB: Math.round((idle.heapUsed - lowest) / KiB),
      };
    } finally {
      await probe.close();
    }
  } finally {
    await server.stop().catch(() => undefined);
    await store.stop().catch(() => undefined);
  }
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

export default async function idleSettleBench(): Promise<object> {
  const reps = Math.max(1, Number(process.env['IDLE_SETTLE_REPS'] ?? 4));
  const runs: Rep[] = [];
  for (let i = 0; i < reps; i++) runs.push(await rep());
  return {
    reps,
    medianHoldMinusIdleKiB: median(runs.map((r) => r.holdKiB - r.idleKiB)),
    medianIdleRounds: median(runs.map((r) => r.idleRounds)),
    medianIdleRealMs: median(runs.map((r) => r.idleRealMs)),
    idleStable: runs.filter((r) => r.idleStable).length,
    maxLaterDropKiB: Math.max(...runs.map((r) => r.laterDropKiB)),
    idleSpreadKiB: Math.max(...runs.map((r) => r.idleKiB)) - Math.min(...runs.map((r) => r.idleKiB)),
    holdSpreadKiB: Math.max(...runs.map((r) => r.holdKiB)) - Math.min(...runs.map((r) => r.holdKiB)),
    runs,
  };
}
