/**
 * `npx jiti scripts/record-checkpoints.ts RUN_DIR [OUT_DIR]`: keeps a run's quiet soak
 * checkpoints as bench data (bench/checkpoint-series.ts), by default in bench/data/checkpoints/.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Sample } from '../harness/sample.js';
import { recordCheckpoints, type RecordedRunConfig } from '../bench/checkpoint-series.js';

function main(argv: string[]): void {
  const [runArg, outArg] = argv;
  if (!runArg) {
    process.stderr.write('usage: record-checkpoints RUN_DIR [OUT_DIR]\n');
    process.exit(2);
  }
  const runDir = resolve(runArg);
  const samplesFile = join(runDir, 'samples.ndjson');
  const runFile = join(runDir, 'run.json');
  if (!existsSync(samplesFile) || !existsSync(runFile)) {
    process.stderr.write(`${runDir} is not a run folder (needs run.json and samples.ndjson)\n`);
    process.exit(2);
  }
  const run = JSON.parse(readFileSync(runFile, 'utf8')) as { config: RecordedRunConfig };
  // A torn last line (a run that died) is skipped, as `report` does.
  const samples = readFileSync(samplesFile, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as Sample];
      } catch {
        return [];
      }
    });
  const series = recordCheckpoints(basename(runDir), run.config, samples);
  const outDir = resolve(outArg ?? join('bench', 'data', 'checkpoints'));
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `${series.run}.json`);
  writeFileSync(file, `${JSON.stringify(series, null, 1)}\n`);
  process.stdout.write(`${series.points.length} checkpoints → ${file}\n`);
}

main(process.argv.slice(2));
