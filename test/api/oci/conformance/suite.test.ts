/**
 * The OCI Distribution Spec conformance suite, ported from Go (ginkgo) to vitest and run against
 * a real Berth on a real socket.
 *
 * Ported from opencontainers/distribution-spec, conformance/ at the last revisions of the ginkgo
 * suite (the v1.1 line, before the suite was rewritten as a standalone program):
 *   setup.go and 03_discovery_test.go @ b5f09ebe541c65857e8721d51a7a3d0e2f1d8749
 *   01_pull_test.go                   @ 47008ca930b575b3f1cd422414c00d3b0752a7cb
 *   02_push_test.go                   @ 11b8e3fba7d2d7329513d0cff53058243c334858
 *   04_management_test.go             @ 3c7a4ac8186fe1307bac6857bfdb48fc190ed57f
 *   image.go                          @ 3ec8a56d897bb89d482b41d4aac6ba01519f55f2
 * Every g.Specify of the four workflows is here, under its upstream text, in upstream order,
 * against one registry and one namespace as upstream runs them (00_conformance_suite_test.go runs
 * pull, push, discovery, management in sequence in one Describe). Upstream's RunOnlyIf switches
 * become runtime skips with the defaults setup.go derives from an unset environment, except:
 *   - OCI_AUTOMATIC_CROSSMOUNT is taken as set to false (Berth mounts only with `from`), so
 *     "…automatic content discovery disabled should return a 202" runs and its "enabled" twin skips.
 * Stricter than upstream, on purpose (Berth implements what upstream lets a registry omit):
 *   - a manifest without layers must be accepted (upstream only warns);
 *   - referrers filtering must be applied and announced (upstream accepts an unfiltered list).
 * Not ported: nothing of the four workflows. The specs that skip under the default environment
 * ("Get tag name from environment", "Populate registry with test tags (no push)", the automatic
 * cross-mount "enabled" case, and "Cross-mounting of nonexistent blob should yield session id",
 * which only runs when the mount answered 202) are ported and skip for the same reasons upstream.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe } from 'vitest';
import { type RunningRegistry, startRegistry } from '../harness/registry.js';
import { makeContext } from './context.js';
import { discoveryWorkflow } from './discovery.js';
import { managementWorkflow } from './management.js';
import { pullWorkflow } from './pull.js';
import { pushWorkflow } from './push.js';

let registry: RunningRegistry;

beforeAll(async () => {
  registry = await startRegistry();
});
afterAll(async () => {
  await registry?.stop();
});

// OCI_NAMESPACE: a nested name, as real deployments use.
const ctx = makeContext(() => registry.http, `conformance/${randomUUID().slice(0, 8)}`, {
  runPullSetup: true,
  runPushSetup: true,
  runContentDiscoverySetup: true,
  runContentManagementSetup: true,
  deleteManifestBeforeBlobs: true,
  runAutomaticCrossmountTest: true,
  automaticCrossmountEnabled: false,
  envTagName: '',
  envTagList: '',
});

describe('OCI Distribution Conformance Tests', () => {
  pullWorkflow(ctx);
  pushWorkflow(ctx);
  discoveryWorkflow(ctx);
  managementWorkflow(ctx);
});
