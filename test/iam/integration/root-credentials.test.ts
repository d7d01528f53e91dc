/**
 * Root credentials of the default account: generated once into <data>/root-credentials (0600,
 * AWS credentials-file format) when none are configured, kept across restarts, and never stored
 * in clear; configured ones (BERTH_ROOT_*) are used as given and not stored at all.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeRepositoriesCommand } from '@aws-sdk/client-ecr';
import { afterEach, describe, expect, it } from 'vitest';
import { rootCredentialsNotice } from '../../../src/iam/root-credentials.js';
import { removeDir, tempDir } from '../../support/temp.js';
import { ACCOUNT_A, ROOT_KEY, startBerth } from './harness.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await removeDir(dir);
});

const noConfiguredRoot = { auth: { rootAccessKeyId: undefined, rootSecretAccessKey: undefined } };

describe('root credentials', () => {
  it('are generated on first start, written 0600 in credentials-file format, announced once, and kept on restart', async () => {
    const dataDir = await tempDir('root');
    dirs.push(dataDir);
    const first = await startBerth(dataDir, noConfiguredRoot);
    const file = join(dataDir, 'root-credentials');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, 'keyring')).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/^# Berth root credentials of account 111111111111, created .+\n\[default\]\naws_access_key_id = AKIA[A-Z2-7]{16}\naws_secret_access_key = [A-Za-z0-9/+]{40}\n$/);
    const accessKeyId = /aws_access_key_id = (\S+)/.exec(text)![1]!;
    const secretAccessKey = /aws_secret_access_key = (\S+)/.exec(text)![1]!;
    expect(first.app.iam.root).toMatchObject({ source: 'generated', generated: { accessKeyId, secretAccessKey } });
    expect(rootCredentialsNotice(first.app.iam.root)).toContain(secretAccessKey);
    // The log never carries the secret; the database holds it sealed only.
    expect(first.logText()).not.toContain(secretAccessKey);
    await first.app.close();
    for (const name of readdirSync(dataDir).filter((n) => n.startsWith('metadata.db'))) {
      expect(readFileSync(join(dataDir, name)).includes(Buffer.from(secretAccessKey))).toBe(false);
    }

    const second = await startBerth(dataDir, noConfiguredRoot);
    expect(second.app.iam.root.source).toBe('stored');
    expect(rootCredentialsNotice(second.app.iam.root)).toBeUndefined();
    expect(readFileSync(file, 'utf8')).toBe(text);
    const client = second.ecr({ accessKeyId, secretAccessKey });
    expect((await client.send(new DescribeRepositoriesCommand({}))).repositories).toEqual([]);
    client.destroy();
    await second.app.close();
  });

  it('come from configuration when BERTH_ROOT_* are set, and are then neither generated nor stored', async () => {
    const dataDir = await tempDir('root');
    dirs.push(dataDir);
    const berth = await startBerth(dataDir);
    expect(existsSync(join(dataDir, 'root-credentials'))).toBe(false);
    expect(berth.app.iam.root).toMatchObject({ source: 'config', accountId: ACCOUNT_A });
    expect(await berth.app.store.iam.getAccessKey(ROOT_KEY.accessKeyId)).toBeUndefined();
    const client = berth.ecr(ROOT_KEY);
    expect((await client.send(new DescribeRepositoriesCommand({}))).repositories).toEqual([]);
    client.destroy();
    await berth.app.close();
  });
});
