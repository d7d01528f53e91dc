import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteMetadataStore } from '../../src/metadata/sqlite/store.js';
import { OCI_MANIFEST } from '../support/media-types.js';
import { removeDir, tempDir } from '../support/temp.js';
import { describeMetadataStoreConformance } from './store-conformance.js';

describeMetadataStoreConformance('sqlite', async () => SqliteMetadataStore.open(':memory:'));

describe('sqlite metadata store specifics', () => {
  it('applies migrations once and keeps data across reopen', async () => {
    const dir = await tempDir('meta');
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
      await removeDir(dir);
    }
  });

  it('answers lookups with writes another process made to the same file (berth gc or admin beside a server)', async () => {
    const dir = await tempDir('meta');
    const file = join(dir, 'metadata.db');
    const server = SqliteMetadataStore.open(file);
    const beside = SqliteMetadataStore.open(file);
    try {
      const account = '111122223333';
      const repo = await server.registry.createRepository({ accountId: account, name: 'app', now: new Date() }, []);
      const push = (store: SqliteMetadataStore, n: number) =>
        store.registry.putManifest({
          repositoryId: repo.id,
          digest: `sha256:${String(n).padStart(64, '0')}`,
          mediaType: OCI_MANIFEST,
          content: Buffer.from(`{"n":${n}}`),
          imageSize: 0,
          blobs: [],
          children: [],
          now: new Date(),
          events: [],
          tag: 'latest',
        });
      const latest = async () => (await server.registry.findManifest(account, 'app', { tag: 'latest' }))?.manifest?.content.toString();
      await push(server, 1);
      expect(await latest()).toBe('{"n":1}');
      await push(beside, 2);
      expect(await latest()).toBe('{"n":2}');
      await beside.registry.deleteTag(repo.id, 'latest', []);
      expect(await latest()).toBeUndefined();
    } finally {
      await server.close();
      await beside.close();
      await removeDir(dir);
    }
  });
});
