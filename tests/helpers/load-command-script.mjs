// A small outside load for `--load-command` tests (tests/e2e/load-command.test.ts), written as a
// user would write one: it reads the SOAK_* variables the harness sets, logs a few readers in to
// the example board (POST /login), connects them with socket.io-client and posts until it is
// stopped. Plain JavaScript so that `node` runs it without a build step.
//
//   node load-command-script.mjs [--users N] [--exit-after-ms MS --exit-code C]
//
// It exits by itself at the latest SOAK_DURATION_S + MARGIN_S real seconds after it started (a
// bound, should nobody stop it), or after --exit-after-ms with --exit-code (the early-exit and
// failure cases). On SIGTERM it writes "stopped by SIGTERM" and exits 0.
import { io } from 'socket.io-client';

/** Real seconds past SOAK_DURATION_S it may outlive the soak before it stops itself. */
const MARGIN_S = 30;
/** Real ms between two posts of one reader. */
const POST_EVERY_MS = 500;

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 && args[at + 1] !== undefined ? Number(args[at + 1]) : fallback;
};
const users = flag('--users', 3);
const exitAfterMs = flag('--exit-after-ms', null);
const exitCode = flag('--exit-code', 0);

const url = process.env.SOAK_TARGET_URL;
const durationS = Number(process.env.SOAK_DURATION_S);
const log = (line) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);
log(
  `started pid=${process.pid} at=${Date.now()} SOAK_TARGET_URL=${url} SOAK_METRICS_URL=${process.env.SOAK_METRICS_URL} ` +
    `SOAK_DURATION_S=${process.env.SOAK_DURATION_S} SOAK_RUN_ID=${process.env.SOAK_RUN_ID} SOAK_RUN_DIR=${process.env.SOAK_RUN_DIR}`,
);
if (!url || !(durationS > 0)) {
  log('SOAK_TARGET_URL and SOAK_DURATION_S must be set');
  process.exit(2);
}

const sockets = [];
const timers = [];
let acks = 0;

function end(code, why) {
  log(`${why} (${acks} posts acknowledged)`);
  for (const t of timers) clearInterval(t);
  for (const s of sockets) s.close();
  process.exit(code);
}

process.on('SIGTERM', () => end(0, 'stopped by SIGTERM'));
timers.push(setTimeout(() => end(0, `ran SOAK_DURATION_S + ${MARGIN_S} s: stopping by itself`), (durationS + MARGIN_S) * 1000));
if (exitAfterMs !== null) timers.push(setTimeout(() => end(exitCode, `exiting with code ${exitCode} after ${exitAfterMs} ms, as asked`), exitAfterMs));

for (let i = 0; i < users; i++) {
  const reply = await fetch(`${url}/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: `cmd-${i}` }) });
  if (!reply.ok) end(3, `POST /login answered ${reply.status}`);
  const { token } = await reply.json();
  const socket = io(url, { auth: { token }, transports: ['websocket'] });
  sockets.push(socket);
  socket.on('connect', () => {
    socket.emit('room:join', 'general', () => undefined);
  });
  timers.push(
    setInterval(() => {
      if (socket.connected) socket.emit('post:create', { room: 'general', text: `load ${i} ${Date.now()}` }, () => acks++);
    }, POST_EVERY_MS),
  );
}
log(`${users} readers connecting to ${url}`);
