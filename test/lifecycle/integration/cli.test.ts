/** `berth lifecycle run` beside a running server on the same data directory. */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { PutLifecyclePolicyCommand } from '@aws-sdk/client-ecr';
import { runLifecycleCommand } from '../../../src/cli/lifecycle.js';
import { useLifecycleBerth } from './harness.js';
import { buildScenario, imagesLeft } from './scenario.js';

const berth = useLifecycleBerth();

const keepTwo = JSON.stringify(
  { rules: [{ rulePriority: 1, selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 2 }, action: { type: 'expire' } }] },
  null,
  2,
);

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { stream, text: () => Buffer.concat(chunks).toString() };
}

describe('berth lifecycle run', () => {
  it('previews with --dry-run, then applies one repository\'s policy beside the running server', async () => {
    const scenario = await buildScenario(berth(), [
      { name: 'a', tags: ['a'], pushed: 3 },
      { name: 'b', tags: ['b'], pushed: 2 },
      { name: 'c', tags: ['c'], pushed: 1 },
    ]);
    const dataDir = berth().app.config.dataDir;
    const run = async (flags: Parameters<typeof runLifecycleCommand>[0]) => {
      const stdout = capture();
      const stderr = capture();
      const code = await runLifecycleCommand({ data: dataDir, repository: scenario.repositoryName, account: berth().app.config.accountId, ...flags }, { stdout: stdout.stream, stderr: stderr.stream, env: {} });
      return { code, stdout: stdout.text(), stderr: stderr.text() };
    };
    const noPolicy = await run({});
    expect(noPolicy.code).toBe(2);
    expect(noPolicy.stderr).toContain('has no lifecycle policy');

    // The CLI evaluates at the wall clock; a count rule makes that irrelevant.
    await berth().ecr.send(new PutLifecyclePolicyCommand({ repositoryName: scenario.repositoryName, lifecyclePolicyText: keepTwo }));
    const dry = await run({ dryRun: true, json: true });
    expect(dry.code).toBe(0);
    const plan = JSON.parse(dry.stdout) as { dryRun: boolean; details: { decisions: { imageDigest: string }[] }[] };
    expect(plan.dryRun).toBe(true);
    expect(plan.details[0]!.decisions.map((d) => scenario.nameOf.get(d.imageDigest))).toEqual(['a']);
    expect((await imagesLeft(berth(), scenario)).size).toBe(3);

    const real = await run({});
    expect(real.code).toBe(0);
    expect(real.stdout).toContain(`${scenario.repositoryName}: expired 1, archived 0, skipped 0`);
    expect([...(await imagesLeft(berth(), scenario)).keys()].sort()).toEqual(['b', 'c']);
  });
});
