import { getToNull, putFile, type Transfer } from '../curl.js';
import { startNullServer } from '../null-server.js';
import type { TestBlob } from '../random-file.js';

export interface Ceiling {
  /** MB/s against the null server (its own cost included: it shares the machine). */
  measured: number[];
  /** MB per CPU-second curl spent: what curl could move with a core to itself. */
  perCpuSecond: number[];
}

/**
 * How fast curl itself can push and pull this blob, against a raw-TCP peer that does nothing, so
 * the table shows whether the client limits the registry figures. Both the rate reached and the
 * rate curl's own CPU time allows are kept: on a two-CPU machine the null server and curl compete
 * for the same cores, so the first understates the client.
 */
export async function clientCeiling(blob: TestBlob, repetitions: number): Promise<{ upload: Ceiling; download: Ceiling }> {
  const sink = await startNullServer(blob.size);
  const upload: Ceiling = { measured: [], perCpuSecond: [] };
  const download: Ceiling = { measured: [], perCpuSecond: [] };
  const keep = (into: Ceiling, t: Transfer) => {
    into.measured.push(blob.size / 1e6 / t.seconds);
    into.perCpuSecond.push(blob.size / 1e6 / Math.max(t.clientCpuSeconds, 0.001));
  };
  try {
    for (let i = 0; i < repetitions; i++) {
      const put = await putFile(sink.url, blob.path);
      if (put.status !== 201 || put.bytes !== blob.size) throw new Error(`null sink: HTTP ${put.status}, ${put.bytes} bytes`);
      keep(upload, put);
      const got = await getToNull(sink.url);
      if (got.status !== 200 || got.bytes !== blob.size) throw new Error(`null source: HTTP ${got.status}, ${got.bytes} bytes`);
      keep(download, got);
    }
    return { upload, download };
  } finally {
    await sink.close();
  }
}
