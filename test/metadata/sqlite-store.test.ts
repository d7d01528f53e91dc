import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteMetadataStore } from '../../src/metadata/sqlite/store.js';
import { describeMetadataStoreConformance } from './store-conformance.js';

describeMetadataStoreConformance('sqlite', async () => SqliteMetadataStore.open(':memory:'));

describe('sqlite metadata store specifics', () => {
  it('applies migrations once and keeps data across reopen', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'berth-meta-'));
    try {
      const file = join(dir, 'metadata.db');
      const first = SqliteMetadataStore.open(file);
      await first.registry.createRepository({ accountId: '111122223333', name: 'kept', now: new Date() }, []);
      await first.close();
      const second = SqliteMetadataStore.open(file);
      expect(await second.registry.getRepository('111122223333', 'kept')).toBeDefined();
      expect(second.database.migrate([])).toEqual([]);
      await second.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
