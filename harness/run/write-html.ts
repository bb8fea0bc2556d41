/**
 * Writes report.html: reads uPlot's browser build from node_modules (so the file works offline,
 * no CDN) and hands it, as strings, to the pure renderer.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Report } from '../analysis/report-types.js';
import { renderHtml, type UplotAssets } from '../report/html.js';
import type { Sample } from '../sample.js';

let uplotAssets: UplotAssets | null = null;

export function uplotAssetsFromDisk(): UplotAssets {
  if (uplotAssets) return uplotAssets;
  const require = createRequire(import.meta.url);
  const dist = join(dirname(require.resolve('uplot/package.json')), 'dist');
  uplotAssets = {
    uplotJs: readFileSync(join(dist, 'uPlot.iife.min.js'), 'utf8'),
    uplotCss: readFileSync(join(dist, 'uPlot.min.css'), 'utf8'),
  };
  return uplotAssets;
}

export function writeHtmlReport(runDir: string, report: Report, samples: readonly Sample[]): void {
  writeFileSync(join(runDir, 'report.html'), renderHtml(report, samples, uplotAssetsFromDisk()));
}
