/**
 * Commands that work on existing data (`berth admin`, `gc`, `lifecycle run`, `vulndb`) refuse a
 * data directory that does not exist, so a mistyped --data is an error rather than a new, empty
 * store answering `[]`; --init creates one.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAdmin } from '../../src/cli/admin.js';
import { runGc } from '../../src/cli/gc.js';
import { runLifecycleCommand } from '../../src/cli/lifecycle.js';
import { runVulnDbStatus } from '../../src/cli/vulndb.js';
import { removeDir, tempDir } from '../support/temp.js';

let parent: string;
beforeAll(async () => {
  parent = await tempDir('data-dir');
});
afterAll(() => removeDir(parent));

function sink(append: (text: string) => void): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      append(chunk.toString());
      done();
    },
  });
}

async function admin(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  let code = 0;
  const program = new Command().exitOverride();
  registerAdmin(program, { stdout: sink((s) => (stdout += s)), stderr: sink((s) => (stderr += s)), env: {}, fail: (c) => (code = c) });
  await program.parseAsync(['admin', ...args], { from: 'user' });
  return { code, stdout, stderr };
}

const io = () => ({ stdout: sink(() => undefined), stderr: sink(() => undefined), env: {} });

describe('a data directory that does not exist', () => {
  it('is refused by berth admin, naming it and --init, and is not created', async () => {
    const typo = join(parent, 'berth-dta');
    const result = await admin('--data', typo, 'users', 'list');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `berth admin: data directory ${typo} does not exist: check --data (or BERTH_DATA_DIR, dataDir), or pass --init to create it (\`berth serve\` creates it on first start)\n`,
    );
    expect(existsSync(typo)).toBe(false);
  });

  it('is refused by berth gc, lifecycle run and vulndb', async () => {
    const typo = join(parent, 'berth-dat');
    const refusal = `data directory ${typo} does not exist`;
    await expect(runGc({ data: typo, dryRun: true }, io())).rejects.toThrow(refusal);
    await expect(runLifecycleCommand({ data: typo }, io())).rejects.toThrow(refusal);
    await expect(runVulnDbStatus({ data: typo }, io())).rejects.toThrow(refusal);
    expect(existsSync(typo)).toBe(false);
  });

  it('is no concern to a configuration that keeps nothing there', async () => {
    const config = join(parent, 'elsewhere.yaml');
    writeFileSync(config, `metadata:\n  sqlite:\n    file: ${join(parent, 'elsewhere', 'metadata.db')}\nstorage:\n  filesystem:\n    root: ${join(parent, 'elsewhere', 'blobs')}\n`);
    const env = { BERTH_KEYRING: `k1:${randomBytes(32).toString('base64')}` };
    const unused = join(parent, 'unused');
    expect(await runGc({ config, data: unused, dryRun: true }, { ...io(), env })).toBe(0);
    expect(existsSync(unused)).toBe(false);
  });

  it('is created with --init', async () => {
    const fresh = join(parent, 'fresh');
    const result = await admin('--data', fresh, '--init', 'accounts', 'list');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ accounts: [{ accountId: '000000000000' }] });
    expect(existsSync(join(fresh, 'metadata.db'))).toBe(true);
    // From then on it exists: no --init needed.
    expect((await admin('--data', fresh, 'accounts', 'list')).code).toBe(0);
    expect(await runGc({ data: join(parent, 'gc-fresh'), init: true, dryRun: true }, io())).toBe(0);
  });
});
