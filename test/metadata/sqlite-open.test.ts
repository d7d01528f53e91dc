/**
 * A metadata database this process may not write (another user's files, a read-only file system)
 * fails at open with a message naming the file and the likely cause, not SQLite's bare "attempt to
 * write a readonly database".
 */
import { execFile } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteMetadataStore } from '../../src/metadata/sqlite/store.js';
import { REPO_ROOT } from '../support/paths.js';
import { removeDir, tempDir } from '../support/temp.js';
import { isRoot, mountTmpfs } from '../support/tmpfs.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function createdDatabase(dir: string): Promise<string> {
  const file = join(dir, 'metadata.db');
  await SqliteMetadataStore.open(file).close();
  return file;
}

function openError(file: string): Error {
  try {
    SqliteMetadataStore.open(file);
  } catch (err) {
    return err as Error;
  }
  throw new Error('the database opened');
}

const explained = (file: string, code: RegExp) =>
  new RegExp(`^metadata database ${file}: .+ \\(${code.source}\\); Berth must be able to write it, its -wal and -shm files and its directory .*fix their permissions`);

describe('opening a metadata database that cannot be written', () => {
  it('names the file when its file system is read-only (or, not as root, the file is read-only)', async () => {
    if (isRoot()) {
      // Root may write any file, but not on a read-only mount.
      const tmpfs = await mountTmpfs(8192);
      cleanups.push(() => tmpfs.unmount());
      const file = await createdDatabase(tmpfs.dir);
      await tmpfs.readOnly();
      expect(openError(file).message).toMatch(explained(file, /SQLITE_(CANTOPEN|READONLY)\w*/));
    } else {
      const dir = await tempDir('readonly-db');
      cleanups.push(() => removeDir(dir));
      const file = await createdDatabase(dir);
      chmodSync(file, 0o444);
      chmodSync(dir, 0o555);
      cleanups.push(async () => chmodSync(dir, 0o755));
      expect(openError(file).message).toMatch(explained(file, /SQLITE_(CANTOPEN|READONLY)\w*/));
    }
  });

  it("names the file when it is another user's (SQLite: attempt to write a readonly database)", async (ctx) => {
    if (!isRoot()) ctx.skip('running as another user needs root');
    const dir = await tempDir('readonly-db');
    cleanups.push(() => removeDir(dir));
    chmodSync(dir, 0o755);
    const file = await createdDatabase(dir);
    const script = `import(${JSON.stringify(join(REPO_ROOT, 'src/metadata/sqlite/store.ts'))}).then((m) => m.SqliteMetadataStore.open(${JSON.stringify(file)})).then(() => process.exit(0), (err) => { process.stderr.write(err.message); process.exit(3); });`;
    const result = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', '-e', script], { cwd: REPO_ROOT, uid: 65534, gid: 65534, timeout: 60_000 }, (err, _stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stderr }),
      );
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(explained(file, /SQLITE_READONLY\w*/));
    expect(result.stderr).toContain('attempt to write a readonly database');
    expect(result.stderr).toContain('uid 65534');
  });
});
