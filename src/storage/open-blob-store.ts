import { join } from 'node:path';
import { BlobStore } from './blob-store.js';
import type { StorageDriver } from './driver.js';
import { FilesystemDriver } from './filesystem/driver.js';
import type { S3Config } from './s3/config-schema.js';
import { S3Driver } from './s3/driver.js';

/** The `storage` section of the configuration (src/config/schema.ts). */
export interface StorageConfig {
  driver: 'filesystem' | 's3';
  filesystem: { root?: string; fsync: boolean };
  s3?: S3Config;
}

/** The blob store over the configured driver (filesystem by default: <dataDir>/storage). */
export function openBlobStore(storage: StorageConfig, dataDir: string): BlobStore {
  return new BlobStore(openDriver(storage, dataDir));
}

function openDriver(storage: StorageConfig, dataDir: string): StorageDriver {
  if (storage.driver === 's3') {
    if (!storage.s3) throw new Error('storage.driver s3 needs storage.s3');
    return S3Driver.fromConfig(storage.s3);
  }
  return new FilesystemDriver({ root: storage.filesystem.root ?? join(dataDir, 'storage'), fsync: storage.filesystem.fsync });
}
