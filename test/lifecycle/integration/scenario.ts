/**
 * Builds a repository of named images with controlled push, pull and archive times through the
 * public APIs (/v2 pushes and pulls, UpdateImageStorageClass), then reads back what a preview and
 * a run did, by image name.
 */
import { expect } from 'vitest';
import {
  CreateRepositoryCommand,
  type ImageDetail,
  PutLifecyclePolicyCommand,
  StartLifecyclePolicyPreviewCommand,
  UpdateImageStorageClassCommand,
  paginateDescribeImages,
  paginateGetLifecyclePolicyPreview,
  type LifecyclePolicyPreviewResult,
} from '@aws-sdk/client-ecr';
import { image } from '../../support/oci.js';
import { ACCOUNT, DAY_MS, type LifecycleBerth, NOW, completedPreview, settled, uniqueName } from './harness.js';

export interface ImageSpec {
  name: string;
  tags: string[];
  /** Days before NOW the image was pushed (fractions allowed). */
  pushed: number;
  /** Days before NOW it was last pulled (through /v2). */
  pulled?: number;
  /** Days before NOW it was archived (through UpdateImageStorageClass). */
  archived?: number;
}

export interface Scenario {
  repositoryName: string;
  repositoryId: number;
  digestOf: Map<string, string>;
  nameOf: Map<string, string>;
}

const at = (days: number) => new Date(NOW.getTime() - days * DAY_MS);

export async function buildScenario(berth: LifecycleBerth, specs: ImageSpec[]): Promise<Scenario> {
  const { ecr, v2, clock, app } = berth;
  const repositoryName = uniqueName('lc');
  await ecr.send(new CreateRepositoryCommand({ repositoryName }));
  const digestOf = new Map<string, string>();
  // Push oldest first so that each image's push time is the clock at its push.
  for (const spec of [...specs].sort((a, b) => b.pushed - a.pushed)) {
    clock.set(at(spec.pushed));
    const img = image();
    const [first, ...rest] = spec.tags;
    await v2.pushImage(repositoryName, first ?? img.digest, img);
    for (const tag of rest) expect((await v2.putManifest(repositoryName, tag, img.manifest, img.mediaType)).status).toBe(201);
    digestOf.set(spec.name, img.digest);
  }
  for (const spec of specs.filter((s) => s.pulled !== undefined)) {
    clock.set(at(spec.pulled!));
    expect((await v2.getManifest(repositoryName, digestOf.get(spec.name)!)).status).toBe(200);
    await app.registry.pulls.flush();
  }
  for (const spec of specs.filter((s) => s.archived !== undefined)) {
    clock.set(at(spec.archived!));
    await ecr.send(new UpdateImageStorageClassCommand({ repositoryName, imageId: { imageDigest: digestOf.get(spec.name)! }, targetStorageClass: 'ARCHIVE' }));
  }
  clock.set(NOW);
  const repository = await app.store.registry.getRepository(ACCOUNT, repositoryName);
  return { repositoryName, repositoryId: repository!.id, digestOf, nameOf: new Map([...digestOf].map(([n, d]) => [d, n])) };
}

/** name -> "<action> by <rulePriority>", the compact form the engine's tests use. */
export type Outcome = Record<string, string>;

function outcomeOf(scenario: Scenario, results: LifecyclePolicyPreviewResult[]): Outcome {
  const outcome: Outcome = {};
  for (const r of results) outcome[scenario.nameOf.get(r.imageDigest!)!] = `${r.action!.type} by ${r.appliedRulePriority}`;
  return outcome;
}

/** Puts the policy, previews it (following every page) and returns the preview's outcome. */
export async function putAndPreview(berth: LifecycleBerth, scenario: Scenario, policyText: string): Promise<{ outcome: Outcome; results: LifecyclePolicyPreviewResult[] }> {
  const { ecr } = berth;
  await ecr.send(new PutLifecyclePolicyCommand({ repositoryName: scenario.repositoryName, lifecyclePolicyText: policyText }));
  const started = await ecr.send(new StartLifecyclePolicyPreviewCommand({ repositoryName: scenario.repositoryName }));
  expect(started.status).toBe('IN_PROGRESS');
  expect((await completedPreview(ecr, scenario.repositoryName)).status).toBe('COMPLETE');
  const results: LifecyclePolicyPreviewResult[] = [];
  for await (const page of paginateGetLifecyclePolicyPreview({ client: ecr, pageSize: 2 }, { repositoryName: scenario.repositoryName })) {
    results.push(...(page.previewResults ?? []));
  }
  return { outcome: outcomeOf(scenario, results), results };
}

/** Triggers a lifecycle run of the scenario's repository and waits for it. */
export async function runLifecycle(berth: LifecycleBerth, scenario: Scenario): Promise<Record<string, unknown>> {
  const job = await settled(berth.app, await berth.app.lifecycle.trigger(scenario.repositoryId));
  return job.result ?? {};
}

/** Every image left in the repository (any status), by name. */
export async function imagesLeft(berth: LifecycleBerth, scenario: Scenario): Promise<Map<string, ImageDetail>> {
  const left = new Map<string, ImageDetail>();
  for await (const page of paginateDescribeImages({ client: berth.ecr }, { repositoryName: scenario.repositoryName, filter: { imageStatus: 'ANY' } })) {
    for (const detail of page.imageDetails ?? []) left.set(scenario.nameOf.get(detail.imageDigest!)!, detail);
  }
  return left;
}

/** What the run did, by image name, in the preview's terms (gone = EXPIRE, now archived = TRANSITION). */
export async function runOutcome(berth: LifecycleBerth, scenario: Scenario, before: Map<string, ImageDetail>): Promise<Record<string, string>> {
  const after = await imagesLeft(berth, scenario);
  const did: Record<string, string> = {};
  for (const [name, detail] of before) {
    const now = after.get(name);
    if (!now) did[name] = 'EXPIRE';
    else if (detail.imageStatus === 'ACTIVE' && now.imageStatus === 'ARCHIVED') did[name] = 'TRANSITION';
  }
  return did;
}

export const withoutPriorities = (outcome: Outcome): Record<string, string> =>
  Object.fromEntries(Object.entries(outcome).map(([name, v]) => [name, v.split(' ')[0]!]));

