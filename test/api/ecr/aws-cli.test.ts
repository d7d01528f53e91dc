/**
 * The real AWS CLI v2 against the toy operations: auto-pagination driven by its paginators, and
 * how it renders Berth's timestamps and errors. Skipped when /usr/bin/aws is absent, unless CI
 * is set, where its absence is a failure.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT, REGION, seedRepos, startToyApp } from './helpers/toy-app.js';
import type { ToyApp } from './helpers/toy-app.js';

const AWS = '/usr/bin/aws';
const present = existsSync(AWS);
const required = process.env.CI === 'true';

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

describe.skipIf(!present && !required)('aws CLI v2 against the ECR adapter', () => {
  let toy: ToyApp;
  let home: string;

  beforeAll(async () => {
    if (!present) throw new Error(`${AWS} is required when CI=true`);
    toy = await startToyApp();
    home = mkdtempSync(join(tmpdir(), 'berth-aws-cli-'));
  });
  afterAll(async () => {
    await toy?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  function aws(...args: string[]): Promise<CliResult> {
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home,
      AWS_CONFIG_FILE: join(home, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      AWS_DEFAULT_REGION: REGION,
      AWS_PAGER: '',
      AWS_EC2_METADATA_DISABLED: 'true',
    };
    return new Promise((resolve) => {
      execFile(AWS, ['ecr', ...args, '--endpoint-url', toy.url, '--output', 'json'], { env, timeout: 60_000 }, (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      });
    });
  }

  it('walks every page with its paginator and prints timestamps as ISO 8601', async () => {
    toy.repos.length = 0;
    seedRepos(toy.repos, 10);
    toy.authRequests.length = 0;
    const res = await aws('describe-repositories', '--page-size', '4');
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout) as { repositories: Array<{ repositoryName: string; createdAt: string; repositoryArn: string }> };
    expect(out.repositories.map((r) => r.repositoryName)).toEqual(toy.repos.map((r) => r.name));
    expect(toy.authRequests).toHaveLength(3);
    expect(out.repositories[1]).toMatchObject({
      createdAt: '2024-01-01T00:00:01+00:00',
      repositoryArn: `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/team/repo-001`,
    });
  });

  it('keeps sub-second precision of timestamps', async () => {
    const res = await aws('get-authorization-token');
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout) as { authorizationData: Array<{ expiresAt: string }> };
    expect(out.authorizationData[0]!.expiresAt).toBe('2030-01-02T03:04:05.500000+00:00');
  });

  it('prints service errors with their exception name and message', async () => {
    const missing = await aws('describe-repositories', '--repository-names', 'missing');
    expect(missing.code).toBe(254);
    expect(missing.stderr).toContain(
      'An error occurred (RepositoryNotFoundException) when calling the DescribeRepositories operation: ' +
        `The repository with name 'missing' does not exist in the registry with id '${ACCOUNT}'`,
    );
    const invalid = await aws('create-repository', '--repository-name', 'Bad_Name');
    expect(invalid.code).toBe(254);
    expect(invalid.stderr).toContain(
      "An error occurred (InvalidParameterException) when calling the CreateRepository operation: Invalid parameter at 'repositoryName'",
    );
  });
});
