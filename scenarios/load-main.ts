/**
 * Process entry of the load generator, for the harness to `fork()`:
 *   node dist/scenarios/load-main.js '<LoadOptions as JSON>'
 * IPC, parent → load: {type:'report-now', gc?} | {type:'stop'} (gc: with the workers' heaps after forced GCs)
 * IPC, load → parent: {type:'ready'} once every worker is up;
 *   {type:'report', report} every reportEveryRealMs and in answer to report-now;
 *   {type:'done', report} when the scenario's simulated hours are over (final report; exit 0);
 *   {type:'stopped', report} in answer to stop (final report; exit 0);
 *   {type:'error', message} on failure (exit 1; 2 for a bad config).
 */
import { startLoad, type LoadHandle, type LoadOptions, type LoadReport } from './load.js';

type Outgoing =
  | { type: 'ready' }
  | { type: 'report' | 'done' | 'stopped'; report: LoadReport }
  | { type: 'error'; message: string };
type Incoming = { type: 'report-now'; gc?: boolean } | { type: 'stop' };

function send(m: Outgoing): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) {
      process.stdout.write(`${JSON.stringify(m)}\n`);
      return resolve();
    }
    process.send(m, undefined, {}, () => resolve());
  });
}

async function finish(handle: LoadHandle, type: 'done' | 'stopped'): Promise<never> {
  const report = await handle.stop();
  await send({ type, report });
  process.disconnect?.();
  process.exit(0);
}

async function main(): Promise<void> {
  let options: LoadOptions;
  try {
    options = JSON.parse(process.argv[2] ?? '') as LoadOptions;
    if (typeof options.serverUrl !== 'string' || typeof options.clock?.scale !== 'number') throw new Error('serverUrl and clock.scale are required');
  } catch (err) {
    await send({ type: 'error', message: `bad load config: ${(err as Error).message}` });
    process.exit(2);
  }
  const handle = await startLoad(options);
  let finishing = false;
  const end = (type: 'done' | 'stopped') => {
    if (finishing) return;
    finishing = true;
    finish(handle, type).catch(async (err: Error) => {
      await send({ type: 'error', message: err.message });
      process.exit(1);
    });
  };
  handle.onReport((report) => void send({ type: 'report', report }));
  process.on('message', (m: Incoming) => {
    if (m.type === 'report-now') handle.report({ gc: m.gc === true }).then((report) => send({ type: 'report', report }), () => undefined);
    if (m.type === 'stop') end('stopped');
  });
  // The parent going away is a stop, not an orphaned load.
  process.on('disconnect', () => end('stopped'));
  process.on('SIGTERM', () => end('stopped'));
  void handle.done.then(() => end('done'));
  handle.failed.catch(async (err: Error) => {
    await send({ type: 'error', message: err.message });
    await handle.stop().catch(() => undefined);
    process.exit(1);
  });
  await send({ type: 'ready' });
}

main().catch(async (err: Error) => {
  await send({ type: 'error', message: err.message });
  process.exit(1);
});
