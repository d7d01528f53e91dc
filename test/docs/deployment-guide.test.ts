/**
 * The configuration examples of docs/deployment.md are valid for the tools that read them. The
 * haproxy example is also the one the cluster tests run (test/support/haproxy.ts).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { DEPLOYMENT_GUIDE, guideHaproxyConfig, haproxyConfigFor } from '../support/haproxy.js';
import { removeDir, tempDir } from '../support/temp.js';
import { requireTool } from '../e2e/harness/tools.js';

function block(language: string): string {
  const match = new RegExp('```' + language + '\\n([\\s\\S]*?)```').exec(readFileSync(DEPLOYMENT_GUIDE, 'utf8'));
  if (!match) throw new Error(`no ${language} block in ${DEPLOYMENT_GUIDE}`);
  return match[1]!;
}

describe('docs/deployment.md', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir('guide');
  });
  afterAll(() => removeDir(dir));

  it('the haproxy example passes `haproxy -c`, as written and as the tests bind it', (ctx) => {
    requireTool(ctx, 'haproxy');
    for (const [name, text] of [
      ['as-written.cfg', guideHaproxyConfig()],
      ['bound.cfg', haproxyConfigFor(5000, ['127.0.0.1:5001', '127.0.0.1:5002', '127.0.0.1:5003'])],
    ] as const) {
      writeFileSync(join(dir, name), text);
      const check = spawnSync('haproxy', ['-c', '-f', join(dir, name)], { encoding: 'utf8' });
      expect(check.status, `${name}: ${check.stdout}${check.stderr}`).toBe(0);
    }
    expect(haproxyConfigFor(5000, ['127.0.0.1:5001', '127.0.0.1:5002'])).toMatch(/server berth1 127\.0\.0\.1:5001\n\s+server berth2 127\.0\.0\.1:5002\n/);
  });

  it('the systemd unit passes `systemd-analyze verify`', (ctx) => {
    requireTool(ctx, 'systemd-analyze');
    // This machine's node in place of /usr/bin/node: verify checks that ExecStart's program exists.
    const unit = block('ini').replace('ExecStart=/usr/bin/node ', `ExecStart=${process.execPath} `);
    const file = join(dir, 'berth.service');
    writeFileSync(file, unit);
    const verify = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8' });
    expect(verify.stderr.split('\n').filter((l) => l.includes('berth.service'))).toEqual([]);
    expect(verify.status, verify.stderr).toBe(0);
  });

  it('the configuration file example is valid Berth configuration', () => {
    const file = join(dir, 'berth.yaml');
    writeFileSync(file, block('yaml'));
    const config = loadConfig({ file, env: {} });
    expect(config.metadata.driver).toBe('postgres');
    expect(config.storage.driver).toBe('s3');
  });
});
