import { cp, readdir, truncate, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startBerth } from '../support/berth-process.js';
import { removeDir, tempDir } from '../support/temp.js';
import { checkDataDir } from './crash/data-dir-check.js';
import { HttpClient } from './crash/http-client.js';
import { type ImagePush, roundWorkload } from './crash/images.js';
import { Ledger } from './crash/ledger.js';
import { Pusher } from './crash/pusher.js';

const blobFile = (dataDir: string, digest: string) => {
  const hex = digest.slice('sha256:'.length);
  return join(dataDir, 'storage', 'blobs', 'sha256', hex.slice(0, 2), hex);
};

// The crash-safety test passes only if its checks find nothing; these show they do find damage.
describe('the crash-safety data directory checks', () => {
  let work: string;
  let pristine: string;
  let image: ImagePush;
  let copies = 0;

  beforeAll(async () => {
    work = await tempDir('e2e-crash-checks');
    pristine = join(work, 'pristine');
    const server = await startBerth({ dataDir: pristine });
    [image] = roundWorkload(0, 1) as [ImagePush];
    const ledger = new Ledger();
    const client = new HttpClient(server.url);
    await new Pusher(client, ledger).pushAll([image]);
    client.close();
    expect(await server.stop()).toBe(0);
    expect(ledger.manifests.size).toBe(1);
  });

  afterAll(() => removeDir(work));

  async function damaged(damage: (dataDir: string) => Promise<void>): Promise<string[]> {
    const copy = join(work, `copy-${copies++}`);
    await cp(pristine, copy, { recursive: true });
    await damage(copy);
    return (await checkDataDir(copy)).problems;
  }

  test('find nothing wrong with a cleanly stopped registry', async () => {
    const report = await checkDataDir(pristine);
    expect(report.problems).toEqual([]);
    expect(report.tags).toBe(1);
    expect(report.blobFiles).toBe(image.blobs.length);
  });

  test('report a partially written blob', async () => {
    const layer = image.blobs.at(-1)!;
    const problems = await damaged((dir) => truncate(blobFile(dir, layer.digest), 1000));
    expect(problems.join('\n')).toContain(`partial or corrupt`);
    expect(problems.join('\n')).toContain(`blob ${layer.digest} has 1000 bytes, the manifest says ${layer.data.length}`);
  });

  test('report a blob the metadata and a manifest need but storage lost', async () => {
    const layer = image.blobs[1]!;
    const problems = await damaged((dir) => unlink(blobFile(dir, layer.digest)));
    expect(problems).toContain(`blob ${layer.digest} is in metadata but not in storage`);
    expect(problems.join('\n')).toContain(`blob ${layer.digest} is missing from storage`);
  });

  test('report a stray temporary file among the blobs', async () => {
    const problems = await damaged(async (dir) => {
      const [prefix] = await readdir(join(dir, 'storage', 'blobs', 'sha256'));
      await writeFile(join(dir, 'storage', 'blobs', 'sha256', prefix!, 'upload.tmp-1234'), 'half');
    });
    expect(problems.join('\n')).toMatch(/unexpected file under storage\/blobs: sha256\/..\/upload\.tmp-1234/);
  });

  test('report a manifest whose blobs are not linked to its repository', async () => {
    const problems = await damaged(async (dir) => {
      const db = new Database(join(dir, 'metadata.db'));
      db.prepare('DELETE FROM repository_blobs WHERE digest = ?').run(image.blobs[0]!.digest);
      db.close();
    });
    expect(problems.join('\n')).toContain(`blob ${image.blobs[0]!.digest} is not linked to the repository`);
  });
});
