import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import client from 'prom-client';
import { MetricsProbe, metricKey, parsePrometheusText, scrapeMetrics } from '../../harness/probes/metrics-probe.js';
import { startTarget, type Target } from './target-process.js';

describe('Prometheus text parser', () => {
  it('flattens real prom-client output: labels sorted, histograms, escaped values', async () => {
    const registry = new client.Registry();
    const g = new client.Gauge({ name: 'm_size', help: 'h', labelNames: ['zeta', 'alpha'], registers: [registry] });
    g.set({ zeta: 'z', alpha: 'a' }, 3);
    const c = new client.Counter({ name: 'c_total', help: 'h', labelNames: ['v'], registers: [registry] });
    c.inc({ v: 'say "hi"\\dir\nline2' }, 2);
    const h = new client.Histogram({ name: 'lat_seconds', help: 'h', buckets: [0.1, 1], registers: [registry] });
    h.observe(0.05);
    h.observe(0.5);
    new client.Gauge({ name: 'unset_nan', help: 'h', registers: [registry] }).set(Number.NaN);

    const { values, skippedLines } = parsePrometheusText(await registry.metrics());
    expect(skippedLines).toBe(0);
    expect(values['m_size{alpha="a",zeta="z"}']).toBe(3);
    expect(values[metricKey('c_total', { v: 'say "hi"\\dir\nline2' })]).toBe(2);
    expect(values['c_total{v="say \\"hi\\"\\\\dir\\nline2"}']).toBe(2);
    expect(values['lat_seconds_bucket{le="0.1"}']).toBe(1);
    expect(values['lat_seconds_bucket{le="1"}']).toBe(2);
    expect(values['lat_seconds_bucket{le="+Inf"}']).toBe(2);
    expect(values['lat_seconds_sum']).toBeCloseTo(0.55);
    expect(values['lat_seconds_count']).toBe(2);
    expect('unset_nan' in values).toBe(false);
  });

  it('handles timestamps, odd spacing, braces in values, and skips malformed lines', () => {
    const text = [
      '# HELP x help',
      '# TYPE x gauge',
      'x 1 1712000000000',
      'y{ b = "}," , a="1" } 2',
      'z{} 3',
      'bad{a="unterminated} 4',
      '9starts_with_digit 5',
      'inf_gauge +Inf',
      'sci 1.5e3',
    ].join('\n');
    const { values, skippedLines } = parsePrometheusText(text);
    expect(values).toEqual({ x: 1, 'y{a="1",b="},"}': 2, z: 3, sci: 1500 });
    expect(skippedLines).toBe(2);
  });
});

describe('scrapeMetrics over real HTTP', () => {
  let target: Target;
  beforeAll(async () => {
    target = await startTarget();
  }, 20_000);
  afterAll(async () => {
    await target?.stop();
  });

  it('reads the fixture server, including its app gauges and default nodejs_* metrics', async () => {
    await target.get('/grow?n=7&size=1');
    const probe = new MetricsProbe(`${target.base}/metrics`);
    const m = await probe.sample();
    expect(m['presence_map_size{map="userSocketMap"}']).toBe(7);
    expect(m['fixture_requests_total{note="say \\"hi\\"\\\\path\\nnext",route="/grow"}']).toBe(1);
    expect(m['fixture_latency_seconds_count{route="/grow"}']).toBe(1);
    expect(m['nodejs_heap_size_used_bytes']).toBeGreaterThan(0);
    expect(probe.result().scrapes).toBe(1);
    await target.get('/clear');
  });

  it('fails fast with ERR_METRICS_SCRAPE on a refused port', async () => {
    const port = await freePort();
    // Fast = refused, not timed out: the error says so (no bound on wall time on a shared machine).
    await expect(scrapeMetrics(`http://127.0.0.1:${port}/metrics`, { timeoutMs: 60_000 })).rejects.toMatchObject({
      code: 'ERR_METRICS_SCRAPE',
      message: expect.not.stringContaining('60000 ms'),
    });
  });

  it('fails with ERR_METRICS_SCRAPE within the timeout when the server never answers', async () => {
    const sockets: net.Socket[] = [];
    const blackHole = net.createServer((s) => sockets.push(s));
    await new Promise<void>((r) => blackHole.listen(0, '127.0.0.1', r));
    const { port } = blackHole.address() as net.AddressInfo;
    try {
      await expect(scrapeMetrics(`http://127.0.0.1:${port}/metrics`, { timeoutMs: 300 })).rejects.toMatchObject({
        code: 'ERR_METRICS_SCRAPE',
        message: expect.stringContaining('300 ms'),
      });
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => blackHole.close(r));
    }
  });

  it('fails with ERR_METRICS_SCRAPE on a non-2xx answer', async () => {
    await expect(scrapeMetrics(`${target.base}/nope`)).rejects.toMatchObject({ code: 'ERR_METRICS_SCRAPE' });
  });
});

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}
