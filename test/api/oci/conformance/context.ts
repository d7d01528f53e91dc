/**
 * What the four workflows share, as in the Go suite: one client whose default name is
 * OCI_NAMESPACE, the generated data, and the switches setup.go derives from the environment.
 */
import { expect } from 'vitest';
import type { HttpClient, HttpResponse } from '../harness/http.js';
import { OciClient } from '../harness/oci-client.js';
import { type ConformanceData, makeConformanceData } from './data.js';

export interface ConformanceSettings {
  runPullSetup: boolean;
  runPushSetup: boolean;
  runContentDiscoverySetup: boolean;
  runContentManagementSetup: boolean;
  /** OCI_DELETE_MANIFEST_BEFORE_BLOBS (default true). */
  deleteManifestBeforeBlobs: boolean;
  /** Whether OCI_AUTOMATIC_CROSSMOUNT is set at all, and to what. */
  runAutomaticCrossmountTest: boolean;
  automaticCrossmountEnabled: boolean;
  /** OCI_TAG_NAME / OCI_TAG_LIST, only read when the matching setup is off. */
  envTagName: string;
  envTagList: string;
}

export interface ConformanceContext {
  client: OciClient;
  data: ConformanceData;
  settings: ConformanceSettings;
}

export function makeContext(http: () => HttpClient, namespace: string, settings: ConformanceSettings): ConformanceContext {
  return { client: new OciClient(http, namespace), data: makeConformanceData(), settings };
}

/** `SatisfyAll(BeNumerically(">=", 200), BeNumerically("<", 300))`, optionally `SatisfyAny` with other codes. */
export function expectSuccessOr(response: HttpResponse, ...others: number[]): void {
  const ok = (response.status >= 200 && response.status < 300) || others.includes(response.status);
  expect(ok, `status ${response.status}: ${response.body.toString('utf8').slice(0, 500)}`).toBe(true);
}

export function expectStatus(response: HttpResponse, ...allowed: number[]): void {
  expect(response.status, response.body.toString('utf8').slice(0, 500)).toBeOneOf(allowed);
}

/** getTagList: the tags of a tag-list response, or [] when the body is not a tag list. */
export function tagsOf(response: HttpResponse): string[] {
  try {
    return (response.json<{ tags?: string[] }>().tags ?? []) as string[];
  } catch {
    return [];
  }
}
