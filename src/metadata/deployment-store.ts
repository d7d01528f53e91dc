/**
 * Facts every node of a deployment must agree on (which keyring, which server secret, which
 * storage), recorded by the first node that starts and checked by every later one
 * (src/app/deployment-guard.ts). Values are fingerprints, never the secrets themselves.
 */
export interface DeploymentStore {
  /**
   * Under one lock shared by every node: reads the recorded fingerprints (name → value), passes
   * them to `decide`, which throws to refuse or returns the fingerprints to add, and records those.
   */
  reconcileFingerprints(decide: (recorded: ReadonlyMap<string, string>) => ReadonlyMap<string, string>, now: Date): Promise<void>;
}
