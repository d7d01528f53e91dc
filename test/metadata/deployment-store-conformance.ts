/** Conformance cases for the DeploymentStore (the node guard's fingerprints), run inside describeMetadataStoreConformance against every implementation. */
import { beforeEach, describe, expect, it } from 'vitest';
import type { MetadataStore } from '../../src/metadata/store.js';
import { t0 } from './conformance-helpers.js';

export function describeDeploymentStoreConformance(current: () => { store: MetadataStore }): void {
  describe('deployment store', () => {
    let store: MetadataStore;
    beforeEach(() => {
      ({ store } = current());
    });

    /** What the store hands `decide` now (recording nothing). */
    async function recorded(): Promise<Map<string, string>> {
      let seen = new Map<string, string>();
      await store.deployment.reconcileFingerprints((r) => {
        seen = new Map(r);
        return new Map();
      }, t0);
      return seen;
    }

    it('records what the first decision adds, and hands it to every later one', async () => {
      expect(await recorded()).toEqual(new Map());
      await store.deployment.reconcileFingerprints(() => new Map([['keyring:k1', 'aa'], ['storage', 's3:bucket']]), t0);
      await store.deployment.reconcileFingerprints((r) => (r.has('keyring:k2') ? new Map() : new Map([['keyring:k2', 'bb']])), t0);
      expect(await recorded()).toEqual(new Map([['keyring:k1', 'aa'], ['storage', 's3:bucket'], ['keyring:k2', 'bb']]));
    });

    it('a refusing decision records nothing', async () => {
      await store.deployment.reconcileFingerprints(() => new Map([['secret', 'aa']]), t0);
      const refused = store.deployment.reconcileFingerprints(() => {
        throw new Error('settings differ');
      }, t0);
      await expect(refused).rejects.toThrow('settings differ');
      expect(await recorded()).toEqual(new Map([['secret', 'aa']]));
    });
  });
}
