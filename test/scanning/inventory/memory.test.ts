/**
 * A scan's memory is bounded whatever its layer holds, and returned afterwards. The adversarial
 * layer: 25 large package-metadata files (dpkg status.d stanzas and an apk database) that compress
 * to ~4 MB; scanned twice at once (scanning.concurrency 2) in a child process, RSS must grow by
 * less than 200 MiB and come back after GC. Before the bound, the same 3.9 MB layer drove RSS from
 * 82 to 550 MiB (each job kept all 350,000 parsed packages) and left it at 184 MiB; now the peak is
 * ~+110 MiB and ~+25 MiB remain after GC.
 */
import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { createGzip } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../support/paths.js';
import { removeDir, tempDir } from '../../support/temp.js';
import { rawHeader } from '../helpers/raw-tar.js';

const FILES = 25;
const STANZAS = 14_000;

/** The tar stream of the layer, file by file, without holding it. */
function* adversarialTar(): Generator<Buffer> {
  for (let f = 0; f < FILES; f++) {
    const apk = f === FILES - 1;
    const lines: string[] = [];
    for (let i = 0; i < STANZAS; i++) {
      lines.push(
        apk
          ? `P:pkg-${f}-${i}\nV:1.${i}-r${f}\nA:x86_64\no:origin-${i % 977}\nF:usr/lib/pkg-${i}\nR:lib${i}.so.${f}\n\n`
          : `Package: pkg-${f}-${i}\nStatus: install ok installed\nVersion: 1.${i}-${f}\nArchitecture: amd64\nSource: src-${i % 977} (2.${i})\n\n`,
      );
    }
    const content = Buffer.from(lines.join(''));
    yield rawHeader({ name: apk ? 'lib/apk/db/installed' : `var/lib/dpkg/status.d/pkg-${f}`, declaredSize: content.length });
    yield content;
    yield Buffer.alloc((512 - (content.length % 512)) % 512);
  }
  yield Buffer.alloc(1024);
}

let dir: string;
let layerPath: string;
beforeAll(async () => {
  dir = await tempDir('scan-memory');
  layerPath = join(dir, 'layer.tar.gz');
  await pipeline(adversarialTar(), createGzip(), createWriteStream(layerPath));
});
afterAll(() => removeDir(dir));

describe('scan memory', () => {
  it('two scans at once of a layer of 25 large package databases grow RSS by under 200 MiB, returned afterwards', async () => {
    const probe = join(REPO_ROOT, 'test/scanning/helpers/memory-probe.ts');
    const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '--import', 'tsx', probe, layerPath], { cwd: REPO_ROOT, timeout: 240_000 });
    const report = JSON.parse(stdout.trim().split('\n').pop()!) as { outcomes: string[]; start: number; peak: number; after: number };
    // The bound is met by failing the scan with a reason, not by running out of memory.
    expect(report.outcomes).toEqual(Array(2).fill(expect.stringMatching(/^image holds more than 32 MiB of package metadata \(limit maxRetainedBytes\)/)));
    expect(report.peak - report.start, JSON.stringify(report)).toBeLessThan(200);
    expect(report.after - report.start, JSON.stringify(report)).toBeLessThan(64);
  }, 300_000);
});
