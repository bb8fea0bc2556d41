/**
 * report.html as a person sees it: rendered by the real renderer with the real uPlot build,
 * opened in headless Chromium (Debian's, driven by playwright-core), checked for drawn charts and
 * a clean console, and screenshotted. Needs /usr/bin/chromium (scripts/install-chromium.sh, which
 * .ci/run runs). Under CI (CI=true) a missing Chromium fails the test; elsewhere it is skipped,
 * and its title says why.
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../harness/report/html.js';
import { uplotAssetsFromDisk } from '../../harness/run/write-html.js';
import { fixedReport } from '../report/fixtures.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
// CI must run the only real-browser check: there a missing Chromium is a failure, not a skip.
const required = process.env.CI === 'true' || process.env.CI === '1';
const skipReason = !available && !required ? ` (skipped: no ${CHROMIUM}; run scripts/install-chromium.sh)` : '';

describe.skipIf(skipReason !== '')(`report.html in headless Chromium${skipReason}`, () => {
  it('draws every chart and logs no console error', async () => {
    expect(available, `no Chromium at ${CHROMIUM}: CI needs it (scripts/install-chromium.sh, or set CHROMIUM_PATH)`).toBe(true);
    const { report, samples } = fixedReport({ leaking: true, leaks: ['im-listeners'] });
    const dir = mkdtempSync(join(tmpdir(), 'rol-soak-html-'));
    const file = join(dir, 'report.html');
    writeFileSync(file, renderHtml(report, samples, uplotAssetsFromDisk()));

    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(m.text());
      });
      page.on('pageerror', (e) => problems.push(e.message));
      // Offline by construction: any request leaving the file would be a CDN dependency.
      const requests: string[] = [];
      page.on('request', (r) => {
        if (!r.url().startsWith('file:')) requests.push(r.url());
      });
      await page.goto(pathToFileURL(file).href);
      const charts = await page.locator('div.chart').count();
      expect(charts).toBeGreaterThanOrEqual(4);
      // uPlot draws each chart into a canvas with a non-zero size.
      await page.waitForFunction((n) => document.querySelectorAll('div.chart canvas').length >= n, charts);
      const sizes = await page.$$eval('div.chart canvas', (cs) => cs.map((c) => (c as HTMLCanvasElement).width * (c as HTMLCanvasElement).height));
      expect(sizes.every((s) => s > 0)).toBe(true);
      expect(await page.textContent('body')).toContain('im-listeners');
      // Legends show values, never uPlot's "--": each series' last point and its hour at rest,
      // the values under the cursor while it is over a chart, and the last points again after.
      const legend = (id: string) => page.$$eval(`#chart-${id} .u-legend .u-value`, (cells) => cells.map((c) => c.textContent ?? ''));
      const atRest = await legend('heap');
      expect(atRest[0]).toBe('latest');
      expect(atRest.slice(1).every((v) => /^-?\d+(\.\d+)? at \d+(\.\d+)? h$/.test(v)), atRest.join(" | ")).toBe(true);
      expect((await page.$$eval('.u-legend .u-value', (cells) => cells.map((c) => c.textContent)))).not.toContain('--');
      await page.locator('#chart-heap .u-over').hover();
      await page.waitForFunction(() => document.querySelector('#chart-heap .u-legend .u-value')?.textContent !== 'latest', null, { timeout: 5_000 });
      expect((await legend('heap'))[1]).toMatch(/^-?\d+(\.\d+)?$/);
      await page.mouse.move(1, 1);
      await page.waitForFunction(() => document.querySelector('#chart-heap .u-legend .u-value')?.textContent === 'latest', null, { timeout: 5_000 });
      expect(await legend('heap')).toEqual(atRest);
      // The status badges do not wrap: each sits on one line.
      const badgeHeights = await page.$$eval('td.nowrap .badge', (bs) => bs.map((b) => b.getClientRects().length));
      expect(badgeHeights.length).toBeGreaterThan(0);
      expect(badgeHeights.every((n) => n === 1)).toBe(true);
      expect(problems).toEqual([]);
      expect(requests).toEqual([]);
      // Readable on a laptop: nothing (a long config value, a retainer path) widens the page
      // past the viewport. A real report's config row once made it 3,283 px wide.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1366);
      const shots = join(import.meta.dirname, '../../reports/browser');
      mkdirSync(shots, { recursive: true });
      await page.screenshot({ path: join(shots, 'report-html.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
