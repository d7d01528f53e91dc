import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/load.js';
import { openBlobStore } from '../../src/storage/open-blob-store.js';
import { S3Driver } from '../../src/storage/s3/driver.js';

describe('storage configuration', () => {
  it('keeps the embedded default: the filesystem driver under dataDir, fsync on', () => {
    expect(loadConfig({ env: {} }).storage).toEqual({ driver: 'filesystem', filesystem: { fsync: true } });
    expect(openBlobStore(loadConfig({ env: {} }).storage, '/tmp/data').driver.name).toBe('filesystem');
  });

  it('selects S3 from the environment, with its defaults', () => {
    const config = loadConfig({
      env: { BERTH_STORAGE_DRIVER: 's3', BERTH_STORAGE_S3_BUCKET: 'layers', BERTH_STORAGE_S3_ENDPOINT: 'http://rgw:7480', BERTH_STORAGE_S3_PREFIX: 'berth/prod' },
    });
    expect(config.storage.s3).toEqual({
      endpoint: 'http://rgw:7480',
      region: 'us-east-1',
      bucket: 'layers',
      prefix: 'berth/prod',
      forcePathStyle: false,
      redirect: false,
      partSizeBytes: 8 * 1024 * 1024,
    });
    const driver = openBlobStore(config.storage, '/tmp/data').driver;
    expect(driver).toBeInstanceOf(S3Driver);
    expect((driver as S3Driver).layout.key('blobs/x')).toBe('berth/prod/blobs/x');
  });

  it('says what is wrong with an S3 section', () => {
    const problems = (s3: unknown, driver = 's3') => {
      try {
        loadConfig({ env: {}, overrides: { storage: { driver, s3 } as never } });
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as Error).message;
      }
      return 'loaded';
    };
    expect(problems(undefined)).toMatch(/storage\.s3: driver s3 needs storage\.s3/);
    expect(problems({ bucket: 'b', accessKeyId: 'AKIA' })).toMatch(/accessKeyId and secretAccessKey go together/);
    expect(problems({ bucket: 'b', prefix: '/lead' })).toMatch(/storage\.s3\.prefix: must not start or end with "\/"/);
    expect(problems({ bucket: 'b', prefix: 'a//b' })).toMatch(/storage\.s3\.prefix/);
    expect(problems({ bucket: 'b', partSizeBytes: 1024 })).toMatch(/storage\.s3\.partSizeBytes/);
    expect(problems({ bucket: 'b', region: 'eu-west-1', bucketName: 'x' })).toMatch(/bucketName/);
    expect(problems({ bucket: 'b' }, 'filesystem')).toBe('loaded');
  });

  it('fails the start check with the bucket and the endpoint it could not reach', async () => {
    const config = loadConfig({
      env: {},
      overrides: { storage: { driver: 's3', s3: { bucket: 'layers', endpoint: 'http://127.0.0.1:1', accessKeyId: 'a', secretAccessKey: 'b' } } },
    });
    const driver = openBlobStore(config.storage, '/tmp/data').driver;
    await expect(driver.check!()).rejects.toThrow(/^S3 storage: cannot use bucket "layers" at http:\/\/127\.0\.0\.1:1: /);
  });
});
