import { getToNull, putFile } from '../curl.js';
import { startNullServer } from '../null-server.js';
import type { TestBlob } from '../random-file.js';

/**
 * How fast curl itself can push and pull this blob against a peer that does nothing, so the table
 * shows the client is not what limits the registry figures.
 */
export async function clientCeiling(blob: TestBlob, repetitions: number): Promise<{ upload: number[]; download: number[] }> {
  const sink = await startNullServer(blob.size);
  try {
    const upload: number[] = [];
    const download: number[] = [];
    for (let i = 0; i < repetitions; i++) {
      const put = await putFile(sink.url, blob.path);
      if (put.status !== 201 || put.bytes !== blob.size) throw new Error(`null sink: HTTP ${put.status}, ${put.bytes} bytes`);
      upload.push(blob.size / 1e6 / put.seconds);
      const got = await getToNull(sink.url);
      if (got.status !== 200 || got.bytes !== blob.size) throw new Error(`null source: HTTP ${got.status}, ${got.bytes} bytes`);
      download.push(blob.size / 1e6 / got.seconds);
    }
    return { upload, download };
  } finally {
    await sink.close();
  }
}
