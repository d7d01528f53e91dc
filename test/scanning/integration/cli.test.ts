/**
 * `berth vulndb import` and `berth vulndb status` on the metadata store of a running server: the
 * server hears of the import through the outbox and re-evaluates continuously scanned images.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { DescribeImageScanFindingsCommand, PutRegistryScanningConfigurationCommand } from '@aws-sdk/client-ecr';
import { runVulnDbImport, runVulnDbStatus } from '../../../src/cli/vulndb.js';
import { fixturePath } from '../helpers/vulndb.js';
import { type Berth, eventually, startBerth } from './harness.js';
import { V2, alpineImage } from './images.js';
import { settledScan } from './scans.js';

function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { stream, text: () => text };
}

let berth: Berth;
beforeAll(async () => {
  berth = await startBerth();
  await berth.ecr.send(
    new PutRegistryScanningConfigurationCommand({ scanType: 'ENHANCED', rules: [{ scanFrequency: 'CONTINUOUS_SCAN', repositoryFilters: [{ filter: '*', filterType: 'WILDCARD' }] }] }),
  );
  await new V2(berth.url).pushImage('alpine', '3.7.3', alpineImage('3.7.3'));
});
afterAll(() => berth?.close());

const run = async (command: (io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; env: NodeJS.ProcessEnv }) => Promise<number>) => {
  const stdout = capture();
  const stderr = capture();
  const code = await command({ stdout: stdout.stream, stderr: stderr.stream, env: {} });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
};

describe('berth vulndb', () => {
  it('status of an empty database', async () => {
    const out = await run((io) => runVulnDbStatus({ data: berth.dataDir, json: true }, io));
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual({ version: 0, records: 0, sources: [] });
    const text = await run((io) => runVulnDbStatus({ data: berth.dataDir }, io));
    expect(text.stdout).toContain('no sources imported');
  });

  it('imports beside the running server, which re-evaluates continuously scanned images', async () => {
    const scanned = await settledScan(berth.ecr, 'alpine', { imageTag: '3.7.3' });
    // Nothing to match against yet: the scan says so rather than reporting a clean image.
    expect(scanned.imageScanStatus?.status).toBe('FINDINGS_UNAVAILABLE');

    const out = await run((io) => runVulnDbImport(fixturePath('vulndb/alpine-secdb'), { data: berth.dataDir, json: true }, io));
    expect(out.code).toBe(0);
    const summary = JSON.parse(out.stdout);
    expect(summary).toMatchObject({ source: 'alpine-secdb', format: 'alpine-secdb', changed: true, version: 1, removed: 0, problems: [] });
    expect(summary.added).toBeGreaterThan(0);

    const after = await eventually(async () => {
      const page = await berth.ecr.send(new DescribeImageScanFindingsCommand({ repositoryName: 'alpine', imageId: { imageTag: '3.7.3' } }));
      return page.imageScanFindings?.enhancedFindings?.length ? page : undefined;
    }, 'the re-evaluation after the import');
    expect(after.imageScanFindings?.enhancedFindings?.map((f) => f.packageVulnerabilityDetails?.vulnerabilityId)).toContain('CVE-2019-14697');

    const status = JSON.parse((await run((io) => runVulnDbStatus({ data: berth.dataDir, json: true }, io))).stdout);
    expect(status).toMatchObject({ version: 1, records: summary.records, sources: [{ name: 'alpine-secdb', format: 'alpine-secdb', records: summary.records }] });
    expect(typeof status.updatedAt).toBe('string');
  });

  it('an unchanged re-import keeps the version', async () => {
    const out = await run((io) => runVulnDbImport(fixturePath('vulndb/alpine-secdb'), { data: berth.dataDir }, io));
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/database version 1 \(unchanged\)/);
  });

  it('a path it cannot import is an error with a reason', async () => {
    const out = await run((io) => runVulnDbImport('/nonexistent/vulndb', { data: berth.dataDir }, io));
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/^berth vulndb import: .*\/nonexistent\/vulndb/);
  });
});
