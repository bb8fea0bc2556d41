/**
 * Raw bytes to a server over TCP (net.connect on 127.0.0.1), for requests fetch() refuses to
 * send (malformed request lines, bad headers). Resolves with what came back when the server
 * closes the connection, or after `realMs` (the bound), whichever is first.
 */
import net from 'node:net';

export interface RawReply {
  /** Everything received, latin1. */
  readonly text: string;
  /** The status code of the first response line, or null when none came. */
  readonly status: number | null;
}

export function rawHttp(url: string, bytes: string | Buffer, realMs = 5_000): Promise<RawReply> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = net.connect(Number(port), hostname, () => socket.end(bytes));
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      resolve({ text, status: m ? Number(m[1]) : null });
    };
    const timer = setTimeout(done, realMs);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('close', done);
    socket.on('error', () => undefined);
  });
}
