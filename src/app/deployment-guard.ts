import { createHmac } from 'node:crypto';
import type { BerthConfig } from '../config/schema.js';
import type { ServerSecret } from '../config/server-secret.js';
import type { Keyring } from '../iam/crypto/index.js';
import type { MetadataStore } from '../metadata/store.js';
import type { Clock } from '../util/clock.js';

/**
 * Refuses to start a node whose shared settings differ from the ones the deployment's other nodes
 * use. Nodes share one database, so a node with another keyring could not open the access keys
 * the others sealed and would sign registry tokens they reject; another server secret signs
 * download URLs and page tokens the others reject; another bucket or prefix would link metadata to
 * bytes the others cannot read. The first node records a fingerprint of each (an HMAC of a fixed
 * label under the secret, never the secret) and every later start compares its own with them.
 */
export class DeploymentMismatch extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeploymentMismatch';
  }
}

export interface SharedSettings {
  /** Absent for commands that do not use it (`berth gc`, `fsck`, …). */
  keyring?: Keyring;
  /** Absent for commands that do not use it (`berth admin`, `gc`, …). */
  secret?: ServerSecret;
  storage: BerthConfig['storage'];
}

const LABEL = 'berth deployment fingerprint v1';
const KEYRING = 'keyring/';

export async function checkDeployment(store: MetadataStore, shared: SharedSettings, clock: Clock): Promise<void> {
  const mine = fingerprints(shared);
  await store.deployment.reconcileFingerprints((recorded) => {
    const problems = [...keyringProblems(mine, recorded), ...otherProblems(mine, recorded)];
    if (problems.length > 0) throw new DeploymentMismatch(`this node's settings differ from the other nodes' of this deployment (same database):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    return new Map([...mine].filter(([name]) => !recorded.has(name)));
  }, clock());
}

function fingerprints({ keyring, secret, storage }: SharedSettings): Map<string, string> {
  const mine = new Map<string, string>();
  // One per key id, so rotating (adding a key, then making it active) keeps the old ones matching.
  if (keyring) for (const kid of keyring.kids()) mine.set(`${KEYRING}${kid}`, hmac(keyring.derive(kid, 'deployment-fingerprint')!));
  if (secret) mine.set('serverSecret', hmac(secret.derive('deployment-fingerprint')));
  // Endpoints and credentials may differ per node (a gateway beside each); the bytes' place may not.
  mine.set('storage', storage.driver === 's3' ? `s3 bucket "${storage.s3!.bucket}" prefix "${storage.s3!.prefix ?? ''}"` : storage.driver);
  return mine;
}

function hmac(key: Buffer): string {
  return createHmac('sha256', key).update(LABEL).digest('hex').slice(0, 32);
}

function keyringProblems(mine: Map<string, string>, recorded: ReadonlyMap<string, string>): string[] {
  const setting = 'auth.keyring (env BERTH_KEYRING) or auth.keyringFile';
  const recordedKids = [...recorded.keys()].filter((name) => name.startsWith(KEYRING));
  const myKids = [...mine.keys()].filter((name) => name.startsWith(KEYRING));
  const changed = myKids.filter((name) => recorded.has(name) && recorded.get(name) !== mine.get(name));
  if (changed.length > 0) {
    return [`${setting}: key ${changed.map((n) => `"${n.slice(KEYRING.length)}"`).join(', ')} has other key material than the other nodes'; every node needs the same keyring (copy it from a running node)`];
  }
  if (recordedKids.length > 0 && myKids.length > 0 && !myKids.some((name) => recorded.has(name))) {
    return [`${setting}: none of this node's keys (${myKids.map((n) => n.slice(KEYRING.length)).join(', ')}) is one the other nodes use (${recordedKids.map((n) => n.slice(KEYRING.length)).join(', ')}); every node needs the same keyring (copy it from a running node)`];
  }
  return [];
}

function otherProblems(mine: Map<string, string>, recorded: ReadonlyMap<string, string>): string[] {
  const problems: string[] = [];
  const differs = (name: string) => recorded.has(name) && mine.has(name) && recorded.get(name) !== mine.get(name);
  if (differs('serverSecret')) {
    problems.push('serverSecret (env BERTH_SERVER_SECRET) differs from the other nodes\'; when it is unset each node generates its own into <dataDir>/server-secret, so set the same value on every node');
  }
  if (differs('storage')) {
    problems.push(`storage.driver / storage.s3.bucket / storage.s3.prefix: the other nodes store blobs in ${recorded.get('storage')}, this node in ${mine.get('storage')}`);
  }
  return problems;
}
