/**
 * Run by test/scanning/inventory/memory.test.ts in a child process (node --expose-gc): scans the
 * layer file given as argv[2] twice at once, as `scanning.concurrency: 2` would, and prints one
 * JSON line with RSS at start (pipeline loaded, heap settled), at its peak, and after the scans
 * and a full GC, in MiB.
 */
import { createReadStream } from 'node:fs';
import { scanLayers } from '../../../src/scanning/inventory/scan-layers.js';

const path = process.argv[2]!;
const gc = (globalThis as { gc?: () => void }).gc!;
const settle = async () => {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 100));
  }
};
// Blob storage hands out 1 MiB chunks.
const layer = { digest: 'sha256:probe', mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', open: async () => createReadStream(path, { highWaterMark: 1024 * 1024 }) };
await scanLayers([]);
await settle();
const start = process.memoryUsage().rss;
let peak = start;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
let outcomes: string[] = (await Promise.allSettled([scanLayers([layer]), scanLayers([layer])])).map((r) =>
  r.status === 'fulfilled' ? `${r.value.packages.length} packages` : String((r.reason as Error).message),
);
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage().rss);
const report = { outcomes };
outcomes = [];
await settle();
const MiB = (n: number) => Math.round(n / (1024 * 1024));
console.log(JSON.stringify({ ...report, start: MiB(start), peak: MiB(peak), after: MiB(process.memoryUsage().rss) }));
