import { invalidParameter } from '../domain/errors.js';
import type { IamStore } from '../metadata/iam-store.js';

/**
 * ECR's account settings (GetAccountSetting / PutAccountSetting), per account and region.
 * - REGISTRY_POLICY_SCOPE: V2 (the default for new ECR registries) applies the registry policy to
 *   every ECR action; V1 only to replication, pull-through import and repository creation.
 * - BASIC_SCAN_TYPE_VERSION: which basic scanner is named (kept for API compatibility).
 * - BLOB_MOUNTING: whether cross-repository blob mounts (POST …/blobs/uploads/?mount=&from=) are
 *   performed. ECR defaults to DISABLED; Berth defaults to ENABLED because mounting is what lets
 *   docker skip re-uploading shared base layers, and it only ever mounts from a repository the
 *   caller may pull from. DISABLED turns a mount request into an ordinary upload.
 */
export interface AccountSettingSpec {
  name: string;
  values: readonly string[];
  defaultValue: string;
}

export const REGISTRY_POLICY_SCOPE: AccountSettingSpec = { name: 'REGISTRY_POLICY_SCOPE', values: ['V1', 'V2'], defaultValue: 'V2' };
const BASIC_SCAN_TYPE_VERSION: AccountSettingSpec = {
  name: 'BASIC_SCAN_TYPE_VERSION',
  values: ['AWS_NATIVE', 'CLAIR'],
  defaultValue: 'AWS_NATIVE',
};
export const BLOB_MOUNTING: AccountSettingSpec = { name: 'BLOB_MOUNTING', values: ['ENABLED', 'DISABLED'], defaultValue: 'ENABLED' };

const SPECS = [BASIC_SCAN_TYPE_VERSION, REGISTRY_POLICY_SCOPE, BLOB_MOUNTING];

/** What a repository marked public lets anyone do: pull (manifests, layers, layer checks, tag lists). */
export const PUBLIC_PULL_ACTIONS = [
  'ecr:BatchGetImage',
  'ecr:GetDownloadUrlForLayer',
  'ecr:BatchCheckLayerAvailability',
  'ecr:ListImages',
] as const;

export class AccountSettings {
  constructor(private readonly deps: { store: IamStore; now: () => Date }) {}

  async get(accountId: string, name: string): Promise<{ name: string; value: string }> {
    const spec = specFor(name);
    return { name: spec.name, value: (await this.deps.store.getAccountSetting(accountId, spec.name)) ?? spec.defaultValue };
  }

  async put(accountId: string, name: string, value: string): Promise<{ name: string; value: string }> {
    const spec = specFor(name);
    if (!spec.values.includes(value)) throw invalidParameter('value', `Member must satisfy enum value set: [${spec.values.join(', ')}]`);
    await this.deps.store.putAccountSetting(accountId, spec.name, value, this.deps.now());
    return { name: spec.name, value };
  }
}

function specFor(name: string): AccountSettingSpec {
  const spec = SPECS.find((s) => s.name === name);
  if (!spec) throw invalidParameter('name', `Member must satisfy enum value set: [${SPECS.map((s) => s.name).join(', ')}]`);
  return spec;
}
