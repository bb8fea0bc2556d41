/**
 * Runs the example board: `node --inspect=127.0.0.1:0 dist/examples/board/main.js`.
 * Env: PORT (default 0 = any free port), BOARD_LEAK=1 plants the leak. Listens on 127.0.0.1 only
 * and prints `board listening on http://127.0.0.1:PORT` (metrics at /metrics).
 */
import type { AddressInfo } from 'node:net';
import { createBoard } from './board.js';

const leak = process.env.BOARD_LEAK === '1';
const { http, io } = createBoard({ leak });
http.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const { port } = http.address() as AddressInfo;
  process.stdout.write(`board listening on http://127.0.0.1:${port}${leak ? ' (leak on)' : ''}\n`);
});
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void io.close();
    http.close(() => process.exit(0));
  });
}
