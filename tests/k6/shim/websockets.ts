/**
 * `k6/websockets` for Node (vitest resolves the k6 import here: vitest.config.ts `alias`): the
 * slice of k6's WebSocket the session uses — on* handlers, send, close — over the `ws` package.
 */
import NodeWebSocket from 'ws';

export class WebSocket {
  onmessage: ((e?: { data: unknown }) => void) | null = null;
  onclose: (() => void) | null = null;
  onerror: (() => void) | null = null;
  readonly #ws: NodeWebSocket;

  constructor(url: string) {
    this.#ws = new NodeWebSocket(url);
    this.#ws.on('message', (d, isBinary) => this.onmessage?.({ data: isBinary ? d : d.toString() }));
    this.#ws.on('error', () => this.onerror?.());
    this.#ws.on('close', () => this.onclose?.());
  }

  send(data: string): void {
    // k6 drops a send on a socket that is not open; `ws` would throw.
    if (this.#ws.readyState === NodeWebSocket.OPEN) this.#ws.send(data);
  }

  close(): void {
    this.#ws.close();
  }
}
