// Pure unit tests of the k6 socket.io codec. socket.io-parser and engine.io-parser (installed
// with socket.io / socket.io-client) serve as oracles: whatever we encode they must decode the
// same, and the other way round.
import { describe, expect, it } from 'vitest';
import { Decoder, Encoder, PacketType, type Packet } from 'socket.io-parser';
import { decodePacket as eioDecode } from 'engine.io-parser';
import {
  CodecError, decodeFrame, encodeAck, encodeConnect, encodeDisconnect, encodeEvent, encodePong,
  heartbeatDeadline, socketIoUrl, type Frame,
} from '../../scenarios/k6/socketio-codec.js';
import { AckRegistry, type AckOutcome } from '../../scenarios/k6/ack-registry.js';

/** What socket.io-parser makes of one of our frames (after the engine.io `4`). */
function oracleDecode(frame: string): Packet {
  expect(frame[0]).toBe('4');
  let out: Packet | undefined;
  const d = new Decoder();
  d.on('decoded', (p: Packet) => (out = p));
  d.add(frame.slice(1));
  if (!out) throw new Error('oracle decoded nothing');
  return out;
}

/** A frame as the socket.io server would write it. */
function oracleEncode(p: Packet): string {
  const [s] = new Encoder().encode(p);
  return `4${String(s)}`;
}

function socketPacket(f: Frame) {
  if (f.type !== 'socket') throw new Error(`expected socket packet, got ${JSON.stringify(f)}`);
  return f.packet;
}

describe('engine.io frames', () => {
  it('parses the open packet', () => {
    const f = decodeFrame('0{"sid":"abc","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}');
    expect(f).toEqual({ type: 'open', open: { sid: 'abc', upgrades: [], pingInterval: 25000, pingTimeout: 20000, maxPayload: 1e6 } });
    if (f.type === 'open') expect(heartbeatDeadline(f.open, 1000)).toBe(46_000);
  });

  it('answers ping 2 with pong 3, echoing probe data', () => {
    expect(decodeFrame('2')).toEqual({ type: 'ping', data: '' });
    expect(encodePong()).toBe('3');
    expect(encodePong('probe')).toBe('3probe');
    expect(eioDecode(encodePong())).toEqual({ type: 'pong' });
  });

  it('knows close, noop, upgrade and pong', () => {
    expect(decodeFrame('1')).toEqual({ type: 'close' });
    expect(decodeFrame('6')).toEqual({ type: 'noop' });
    expect(decodeFrame('5')).toEqual({ type: 'upgrade' });
    expect(decodeFrame('3probe')).toEqual({ type: 'pong', data: 'probe' });
  });

  it('rejects binary, empty, unknown and malformed frames with a code, never a throw', () => {
    expect(decodeFrame(new ArrayBuffer(4))).toMatchObject({ type: 'invalid', code: 'binary-unsupported' });
    expect(decodeFrame(new Uint8Array([4, 2]))).toMatchObject({ type: 'invalid', code: 'binary-unsupported' });
    expect(decodeFrame('')).toMatchObject({ type: 'invalid', code: 'empty' });
    expect(decodeFrame('9x')).toMatchObject({ type: 'invalid', code: 'unknown-type' });
    expect(decodeFrame('b4AAA')).toMatchObject({ type: 'invalid', code: 'unknown-type' });
    expect(decodeFrame('0{"sid":1}')).toMatchObject({ type: 'invalid', code: 'malformed' });
    expect(decodeFrame('0not json')).toMatchObject({ type: 'invalid', code: 'malformed' });
  });
});

describe('socket.io packets', () => {
  it('encodes CONNECT with auth the way socket.io-parser reads it', () => {
    const frame = encodeConnect({ token: 't.o.k' });
    expect(frame).toBe('40{"token":"t.o.k"}');
    expect(oracleDecode(frame)).toMatchObject({ type: PacketType.CONNECT, nsp: '/', data: { token: 't.o.k' } });
    expect(encodeConnect()).toBe('40');
    expect(oracleDecode(encodeConnect({ a: 1 }, '/admin'))).toMatchObject({ nsp: '/admin', data: { a: 1 } });
  });

  it('decodes the CONNECT reply and CONNECT_ERROR', () => {
    expect(socketPacket(decodeFrame('40{"sid":"s1"}'))).toEqual({ type: 'connect', nsp: '/', data: { sid: 's1' } });
    const err = oracleEncode({ type: PacketType.CONNECT_ERROR, nsp: '/', data: { message: 'unauthorized', data: { code: 'unauthorized' } } });
    expect(socketPacket(decodeFrame(err))).toEqual({ type: 'connect-error', nsp: '/', message: 'unauthorized', data: { code: 'unauthorized' } });
    expect(socketPacket(decodeFrame('44"old style"'))).toMatchObject({ type: 'connect-error', message: 'old style' });
  });

  it('round-trips EVENT with and without ack id, both directions', () => {
    const args = [{ to: 'bob', text: 'héllo "quoted" \u2603', clientId: 'c-1' }];
    const plain = encodeEvent('im:send', args);
    expect(plain).toBe(`42${JSON.stringify(['im:send', ...args])}`);
    expect(oracleDecode(plain)).toMatchObject({ type: PacketType.EVENT, data: ['im:send', ...args] });
    expect(oracleDecode(plain).id).toBeUndefined();

    const withAck = encodeEvent('im:send', args, 17);
    expect(withAck.startsWith('4217[')).toBe(true);
    expect(oracleDecode(withAck)).toMatchObject({ type: PacketType.EVENT, id: 17 });

    const fromServer = oracleEncode({ type: PacketType.EVENT, nsp: '/', id: 3, data: ['im:new', { id: 'm1' }] });
    expect(socketPacket(decodeFrame(fromServer))).toEqual({ type: 'event', nsp: '/', id: 3, event: 'im:new', args: [{ id: 'm1' }] });
    const noId = socketPacket(decodeFrame('42["presence:update",{"username":"a"}]'));
    expect(noId).toEqual({ type: 'event', nsp: '/', event: 'presence:update', args: [{ username: 'a' }] });
  });

  it('round-trips ACK and DISCONNECT, and namespaces', () => {
    const ack = oracleEncode({ type: PacketType.ACK, nsp: '/', id: 123, data: [{ data: { id: 'm1' } }] });
    expect(ack).toBe('43123[{"data":{"id":"m1"}}]');
    expect(socketPacket(decodeFrame(ack))).toEqual({ type: 'ack', nsp: '/', id: 123, args: [{ data: { id: 'm1' } }] });
    expect(oracleDecode(encodeAck(9, ['ok']))).toMatchObject({ type: PacketType.ACK, id: 9, data: ['ok'] });
    expect(encodeDisconnect()).toBe('41');
    expect(oracleDecode(encodeDisconnect('/admin'))).toMatchObject({ type: PacketType.DISCONNECT, nsp: '/admin' });
    const nspEvent = oracleEncode({ type: PacketType.EVENT, nsp: '/admin', id: 4, data: ['x', 1] });
    expect(socketPacket(decodeFrame(nspEvent))).toEqual({ type: 'event', nsp: '/admin', id: 4, event: 'x', args: [1] });
    expect(socketPacket(decodeFrame('41'))).toEqual({ type: 'disconnect', nsp: '/' });
  });

  it('refuses binary packets, unknown types and malformed payloads clearly', () => {
    const bin = decodeFrame('451-["upload",{"_placeholder":true,"num":0}]');
    expect(bin).toMatchObject({ type: 'invalid', code: 'binary-unsupported' });
    if (bin.type === 'invalid') expect(bin.reason).toMatch(/binary/);
    expect(decodeFrame('461-0[{"_placeholder":true,"num":0}]')).toMatchObject({ code: 'binary-unsupported' });
    expect(decodeFrame('47[]')).toMatchObject({ code: 'unknown-type' });
    expect(decodeFrame('4')).toMatchObject({ code: 'unknown-type' });
    expect(decodeFrame('42{"not":"array"}')).toMatchObject({ code: 'malformed' });
    expect(decodeFrame('42[1,2]')).toMatchObject({ code: 'malformed' });
    expect(decodeFrame('42["x",')).toMatchObject({ code: 'malformed' });
    expect(decodeFrame('43["no id"]')).toMatchObject({ code: 'malformed' });
    expect(decodeFrame('40[1]')).toMatchObject({ code: 'malformed' });
  });

  it('refuses reserved event names and bad ack ids in encoders', () => {
    expect(() => encodeEvent('connect')).toThrow(CodecError);
    expect(() => encodeEvent('disconnect')).toThrow(/reserved/);
    expect(() => encodeEvent('x', [], -1)).toThrow(expect.objectContaining({ code: 'bad-ack-id' }));
    expect(() => encodeAck(1.5)).toThrow(CodecError);
  });
});

describe('socketIoUrl', () => {
  it('maps http(s) bases to the websocket transport URL', () => {
    expect(socketIoUrl('http://127.0.0.1:3000')).toBe('ws://127.0.0.1:3000/socket.io/?EIO=4&transport=websocket');
    expect(socketIoUrl('https://chat.example:8443/')).toBe('wss://chat.example:8443/socket.io/?EIO=4&transport=websocket');
    expect(socketIoUrl('http://h:1/app?x=1', '/rt')).toBe('ws://h:1/rt/?EIO=4&transport=websocket');
    expect(() => socketIoUrl('ftp://h')).toThrow(TypeError);
  });
});

describe('AckRegistry', () => {
  it('gives distinct ids, resolves once with latency, ignores unknown ids', () => {
    const reg = new AckRegistry();
    const seen: AckOutcome[] = [];
    const a = reg.register((o) => seen.push(o), 100, 5000);
    const b = reg.register((o) => seen.push(o), 110, 5000);
    expect(a).not.toBe(b);
    expect(reg.resolve(b, ['x'], 160)).toBe(true);
    expect(reg.resolve(b, ['x'], 170)).toBe(false);
    expect(reg.resolve(999, [], 170)).toBe(false);
    expect(seen).toEqual([{ ok: true, args: ['x'], latencyMs: 50 }]);
    expect(reg.size).toBe(1);
  });

  it('times out at the deadline and fails the rest on disconnect', () => {
    const reg = new AckRegistry();
    const seen: AckOutcome[] = [];
    reg.register((o) => seen.push(o), 0, 1000);
    reg.register((o) => seen.push(o), 500, 1000);
    expect(reg.expire(999)).toBe(0);
    expect(reg.expire(1000)).toBe(1);
    expect(reg.rejectAll(1200)).toBe(1);
    expect(seen).toEqual([
      { ok: false, reason: 'timeout', waitedMs: 1000 },
      { ok: false, reason: 'disconnected', waitedMs: 700 },
    ]);
    expect(reg.size).toBe(0);
  });
});
