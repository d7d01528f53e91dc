import { describe, expect, it } from 'vitest';
import type { OsvRecord } from '../../src/domain/osv.js';
import { type AdvisoryWrite, readImport } from '../../src/metadata/vulndb-records.js';

const record = (id: string): OsvRecord => ({ id, modified: '2026-01-01T00:00:00Z' });
async function* feed(ids: string[]): AsyncGenerator<OsvRecord> {
  for (const id of ids) yield record(id);
}

describe("a vulnerability import's reading", () => {
  it('hands batches over in order, one write at a time, while the next batch is read', async () => {
    const written: string[][] = [];
    let writing = 0;
    const result = await readImport(new Map(), feed(['a', 'b', 'c', 'd', 'e']), 2, async (batch: AdvisoryWrite[]) => {
      expect(++writing).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 5));
      written.push(batch.map((a) => a.record.id));
      writing--;
    });
    expect(written).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect(result.counts).toEqual({ added: 5, updated: 0, unchanged: 0, removed: 0 });
  });

  it('fails with a failed write, and writes nothing after it', async () => {
    const written: string[] = [];
    const failing = readImport(new Map(), feed(['a', 'b', 'c', 'd', 'e', 'f']), 2, async (batch) => {
      if (batch[0]!.record.id === 'a') throw new Error('disk full');
      written.push(...batch.map((a) => a.record.id));
    });
    await expect(failing).rejects.toThrow('disk full');
    expect(written).toEqual([]);
  });
});
