import { describe, expect, it } from 'vitest';
import {
  SyntheticLeakSpecError,
  describeSyntheticLeak,
  formatSyntheticLeak,
  parseSyntheticLeak,
  syntheticLeakEvents,
  toSyntheticLeak,
  type SyntheticLeakSpec,
} from '../../common/synthetic-leak-spec.js';

const KiB = 1024;
const MiB = 1024 * KiB;

describe('parseSyntheticLeak', () => {
  it('reads the four shapes, the old plain number as MiB per simulated hour, and off', () => {
    const cases: Array<[string, SyntheticLeakSpec | null]> = [
      ['2', { shape: 'time', bytesPerSimHour: 2 * MiB }],
      ['1.25', { shape: 'time', bytesPerSimHour: 1.25 * MiB }],
      ['0', null],
      ['', null],
      ['off', null],
      ['none', null],
      ['2MiB/h', { shape: 'time', bytesPerSimHour: 2 * MiB }],
      ['time:512KiB/h', { shape: 'time', bytesPerSimHour: 512 * KiB }],
      ['action:im.send:64KiB', { shape: 'action', action: 'im.send', bytesPerEvent: 64 * KiB }],
      ['action:window.resize:1.5KiB', { shape: 'action', action: 'window.resize', bytesPerEvent: 1536 }],
      // A socket event of the contract by its own name (it contains the separator).
      ['action:im:read:100B', { shape: 'action', action: 'im:read', bytesPerEvent: 100 }],
      ['connect:256KiB', { shape: 'connect', bytesPerEvent: 256 * KiB }],
      ['tick:presence-ping:4KiB', { shape: 'tick', timer: 'presence-ping', bytesPerEvent: 4 * KiB }],
      ['tick:4KiB', { shape: 'tick', timer: 'presence-ping', bytesPerEvent: 4 * KiB }],
      ['tick:request-poll:1MiB', { shape: 'tick', timer: 'request-poll', bytesPerEvent: MiB }],
      ['tick:server-heartbeat:8B', { shape: 'tick', timer: 'server-heartbeat', bytesPerEvent: 8 }],
      ['  connect: 2 KiB ', { shape: 'connect', bytesPerEvent: 2 * KiB }],
    ];
    for (const [text, spec] of cases) expect(parseSyntheticLeak(text), text).toEqual(spec);
  });

  it('refuses bad specs with a message naming the text and what was expected', () => {
    const cases: Array<[string, RegExp]> = [
      ['lots', /'lots' is not a synthetic leak spec \(expected .*action:NAME:SIZE/],
      ['-1', /cannot give memory back/],
      ['2MiB', /a size alone says not per what: 2MiB\/h/],
      ['2/h', /needs a unit: B, KiB or MiB/],
      ['2MB/h', /unknown unit 'MB'.*KiB = 1024 B/],
      ['action:im.send', /needs an action and a size/],
      ['connect:lots', /'lots' in 'connect:lots' is not a size/],
      ['action::64KiB', /names no action/],
      ['action:im.sendd:64KiB', /unknown action 'im.sendd'.*actions: im.send, im.open/],
      ['action:window.close:1KiB', /closing a window sends nothing to the server/],
      ['action:reload:1KiB', /use connect:SIZE/],
      ['connect:x:1KiB', /connect takes only a size/],
      ['tick:weather:1KiB', /unknown timer 'weather'.*presence-ping, request-poll, server-heartbeat/],
      ['leak:1KiB', /unknown shape 'leak'/],
      ['connect:0B', /less than 1 byte per connection/],
      ['connect:65MiB', /more than 64MiB per connection/],
      ['2000', /more than 1024MiB per simulated hour/],
    ];
    for (const [text, message] of cases) {
      expect(() => parseSyntheticLeak(text), text).toThrow(SyntheticLeakSpecError);
      expect(() => parseSyntheticLeak(text), text).toThrow(message);
    }
  });

  it('formats a spec to text it reads back the same', () => {
    for (const text of ['1.25', 'action:im.open:3000B', 'action:buddy:accept:1KiB', 'connect:256KiB', 'tick:4KiB', 'tick:server-heartbeat:2MiB', 'time:100B/h']) {
      const spec = parseSyntheticLeak(text) as SyntheticLeakSpec;
      expect(parseSyntheticLeak(formatSyntheticLeak(spec)), text).toEqual(spec);
    }
    expect(formatSyntheticLeak({ shape: 'tick', timer: 'presence-ping', bytesPerEvent: 4096 })).toBe('tick:presence-ping:4KiB');
    expect(formatSyntheticLeak({ shape: 'time', bytesPerSimHour: 1.25 * MiB })).toBe('1280KiB/h');
  });

  it('maps user actions and timers to the server events that carry them', () => {
    const events = (text: string) => syntheticLeakEvents(parseSyntheticLeak(text) as SyntheticLeakSpec);
    expect(events('action:im.send:1KiB')).toEqual(['im:send']);
    expect(events('action:im.open:1KiB')).toEqual(['im:history', 'http:im_history']);
    expect(events('action:window.drag:1KiB')).toEqual(['window:layout']);
    expect(events('action:window.resize:1KiB')).toEqual(['window:layout']);
    expect(events('action:logoff-on:1KiB')).toEqual(['presence:logoff']);
    expect(events('action:im:read:1KiB')).toEqual(['im:read']);
    expect(events('connect:1KiB')).toEqual(['connection']);
    expect(events('tick:1KiB')).toEqual(['presence:ping']);
    expect(events('tick:request-poll:1KiB')).toEqual(['buddy:requests']);
    expect(events('tick:server-heartbeat:1KiB')).toEqual(['server-heartbeat']);
    expect(events('2')).toEqual([]);
  });

  it('describes each shape for the report', () => {
    const text = (spec: string) => describeSyntheticLeak(parseSyntheticLeak(spec) as SyntheticLeakSpec);
    expect(text('1.5')).toBe('1.5 MiB per simulated hour');
    expect(text('action:im.send:64KiB')).toBe('64 KiB per im.send (server event im:send)');
    expect(text('action:im.open:1KiB')).toBe('1 KiB per im.open (server events im:history, GET /api/im/history)');
    expect(text('connect:256KiB')).toBe('256 KiB per socket.io connection');
    expect(text('tick:4KiB')).toBe('4 KiB per presence-ping tick (server event presence:ping)');
  });
});

describe('toSyntheticLeak (config values)', () => {
  it('takes null, a number of MiB per simulated hour, a spec string or a spec object', () => {
    expect(toSyntheticLeak(undefined)).toBeNull();
    expect(toSyntheticLeak(null)).toBeNull();
    expect(toSyntheticLeak(0)).toBeNull();
    expect(toSyntheticLeak(1.5)).toEqual({ shape: 'time', bytesPerSimHour: 1.5 * MiB });
    expect(toSyntheticLeak('connect:1KiB')).toEqual({ shape: 'connect', bytesPerEvent: KiB });
    expect(toSyntheticLeak({ shape: 'tick', bytesPerEvent: 64 })).toEqual({ shape: 'tick', timer: 'presence-ping', bytesPerEvent: 64 });
    expect(toSyntheticLeak({ shape: 'action', action: 'window.drag', bytesPerEvent: 8 })).toEqual({ shape: 'action', action: 'window.drag', bytesPerEvent: 8 });
  });

  it('checks a spec object field by field', () => {
    expect(() => toSyntheticLeak({ shape: 'action', action: 'fly', bytesPerEvent: 8 })).toThrow(/unknown action 'fly'/);
    expect(() => toSyntheticLeak({ shape: 'connect', bytesPerEvent: 1.5 })).toThrow(/bytesPerEvent must be a whole number of bytes/);
    expect(() => toSyntheticLeak({ shape: 'time', bytesPerSimHour: -1 })).toThrow(/less than 1 byte/);
    expect(() => toSyntheticLeak({ shape: 'leak' })).toThrow(/shape must be time, action, connect or tick/);
    expect(() => toSyntheticLeak(-1)).toThrow(/cannot give memory back/);
    expect(() => toSyntheticLeak(true)).toThrow(/spec string or object, got boolean/);
  });
});
