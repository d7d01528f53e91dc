import { mkdirSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AuthConfig } from './config-schema.js';
import type { IamStore } from '../metadata/iam-store.js';
import { generateAccessKeyId, generateSecretAccessKey, seal, type Keyring } from './crypto/index.js';

export interface RootCredentialsStatus {
  accountId: string;
  /** config: BERTH_ROOT_* / auth.root*; generated: made by this start; stored: made by an earlier start (or `berth admin`). */
  source: 'config' | 'generated' | 'stored';
  /** Where generated root credentials are written. */
  file: string;
  /** Only when this start generated them, so the caller can show them once. */
  generated?: { accessKeyId: string; secretAccessKey: string };
}

/** What root credentials are bootstrapped from (the configuration's accountId, dataDir and auth.rootAccessKeyId). */
export interface RootCredentialsConfig {
  /** The default account, whose root they are. */
  accountId: string;
  dataDir: string;
  auth: Pick<AuthConfig, 'rootAccessKeyId'>;
}

export function rootCredentialsFile(config: Readonly<Pick<RootCredentialsConfig, 'dataDir'>>): string {
  return join(config.dataDir, 'root-credentials');
}

/**
 * Makes sure the default account exists and has root credentials. Configured ones
 * (BERTH_ROOT_ACCESS_KEY_ID / BERTH_ROOT_SECRET_ACCESS_KEY) are used as given and never stored.
 * Otherwise, the first start generates a key, stores it sealed, and writes it in AWS
 * credentials-file format to <dataDir>/root-credentials (mode 0600). The file is written before
 * the key is committed and renamed into place after, so a key never exists without its file, and
 * when two nodes start together only the one whose insert wins keeps its file.
 */
export async function bootstrapRootCredentials(deps: {
  config: Readonly<RootCredentialsConfig>;
  store: IamStore;
  keyring: Keyring;
  now: () => Date;
}): Promise<RootCredentialsStatus> {
  const { config, store, keyring } = deps;
  const accountId = config.accountId;
  const file = rootCredentialsFile(config);
  await store.createAccount({ accountId, createdAt: deps.now() });
  if (config.auth.rootAccessKeyId !== undefined) return { accountId, source: 'config', file };

  const accessKeyId = generateAccessKeyId();
  const secretAccessKey = generateSecretAccessKey();
  mkdirSync(config.dataDir, { recursive: true });
  const pending = `${file}.${process.pid}.tmp`;
  writeFileSync(pending, credentialsFileText(accountId, accessKeyId, secretAccessKey, deps.now()), { mode: 0o600 });
  let created = false;
  try {
    created = await store.createFirstRootKey({
      accessKeyId,
      accountId,
      status: 'Active',
      sealedSecret: seal(keyring, secretAccessKey, accessKeyId),
      createdAt: deps.now(),
    });
  } finally {
    if (created) renameSync(pending, file);
    else unlinkSync(pending);
  }
  return created ? { accountId, source: 'generated', file, generated: { accessKeyId, secretAccessKey } } : { accountId, source: 'stored', file };
}

/** The AWS shared-credentials format, so `AWS_SHARED_CREDENTIALS_FILE=<file> aws ecr …` works as is. */
function credentialsFileText(accountId: string, accessKeyId: string, secretAccessKey: string, at: Date): string {
  return [
    `# Berth root credentials of account ${accountId}, created ${at.toISOString()}. Keep this file private.`,
    '[default]',
    `aws_access_key_id = ${accessKeyId}`,
    `aws_secret_access_key = ${secretAccessKey}`,
    '',
  ].join('\n');
}

/**
 * The text that shows newly generated root credentials once, for the terminal that started Berth
 * (not the JSON log, which is shipped and kept); undefined when nothing was generated.
 */
export function rootCredentialsNotice(root: RootCredentialsStatus): string | undefined {
  if (!root.generated) return undefined;
  return [
    '',
    `Berth generated root credentials for account ${root.accountId} (shown this once; also in ${root.file}, mode 0600):`,
    `  aws_access_key_id     = ${root.generated.accessKeyId}`,
    `  aws_secret_access_key = ${root.generated.secretAccessKey}`,
    `Use them with: AWS_SHARED_CREDENTIALS_FILE=${root.file} aws ecr ...`,
    '',
    '',
  ].join('\n');
}
