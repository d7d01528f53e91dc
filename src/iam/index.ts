import type { Logger } from '../util/logger.js';
import type { MetadataStore } from '../metadata/store.js';
import { type Clock, systemClock } from '../util/clock.js';
import { AccountSettings } from './account-settings.js';
import { Authorizer } from './authorizer.js';
import { CredentialResolver } from './credentials.js';
import type { Keyring } from './crypto/index.js';
import { EcrAccess } from './ecr-access.js';
import { IdentityService } from './identities.js';
import type { AuthConfig } from './config-schema.js';
import { type KeyringSource, loadKeyring } from './keyring-source.js';
import { IamOciAccess } from './oci-access.js';
import { RateLimiter } from './rate-limiter.js';
import { AccountRateQuotas } from './rate-quotas.js';
import { RegistryTokenAuthenticator } from './registry-auth.js';
import { ResourcePolicies } from './resource-policies.js';
import { bootstrapRootCredentials, type RootCredentialsConfig, type RootCredentialsStatus } from './root-credentials.js';

export interface Iam {
  mode: 'iam' | 'none';
  keyring: Keyring;
  credentials: CredentialResolver;
  authorizer: Authorizer;
  identities: IdentityService;
  policies: ResourcePolicies;
  settings: AccountSettings;
  tokens: RegistryTokenAuthenticator;
  /** The ECR adapter's authenticate and authorize hooks. */
  ecr: EcrAccess;
  /** The /v2 adapter's OciAccess (unused in mode none, where the app serves /v2 openly). */
  oci: IamOciAccess;
  /** The default account's root credentials: where they came from, and when new, what they are. */
  root: RootCredentialsStatus;
}

/** What IAM is built from: the configuration's values, passed by the composition root. */
export interface IamOptions extends KeyringSource, RootCredentialsConfig {
  auth: AuthConfig;
  /** The default account: its root credentials, anonymous /v2 callers, every call in auth.mode none. */
  accountId: string;
  region: string;
  /** Where the keyring and generated root credentials are kept unless configured otherwise. */
  dataDir: string;
  /** registry.createRepositoryOnPush: a push may create its repository (given ecr:CreateRepository). */
  createRepositoryOnPush: boolean;
}

/**
 * Builds identity and access for one process: loads the keyring, makes sure the default account
 * and its root credentials exist, and wires the authenticators and the one Authorizer both APIs
 * use.
 */
export async function createIam(deps: { options: Readonly<IamOptions>; store: MetadataStore; log: Logger; now?: Clock }): Promise<Iam> {
  const { options: config, store } = deps;
  const log = deps.log.child({ component: 'iam' });
  /** What identities, policies and settings are stamped with. */
  const now = deps.now ?? systemClock;
  const { keyring, createdFile } = loadKeyring(config);
  if (createdFile) log.info({ file: createdFile }, 'key-encryption keyring created');
  const root = await bootstrapRootCredentials({ config, store: store.iam, keyring, now });

  const { rootAccessKeyId, rootSecretAccessKey } = config.auth;
  const credentials = new CredentialResolver({
    store: store.iam,
    keyring,
    log,
    cacheMs: config.auth.credentialCacheSeconds * 1000,
    ...(rootAccessKeyId !== undefined && rootSecretAccessKey !== undefined
      ? { configuredRoot: { accountId: config.accountId, accessKeyId: rootAccessKeyId, secretAccessKey: rootSecretAccessKey } }
      : {}),
  });
  const authorizer = new Authorizer({ store, region: config.region, log });
  const tokens = new RegistryTokenAuthenticator({ keyring, credentials, log });
  const open = config.auth.mode === 'none' ? { accountId: config.accountId } : undefined;
  return {
    mode: config.auth.mode,
    keyring,
    credentials,
    authorizer,
    identities: new IdentityService({ store: store.iam, keyring, now, onCredentialsChanged: (id) => credentials.forget(id) }),
    policies: new ResourcePolicies({ store, region: config.region, now }),
    settings: new AccountSettings({ store: store.iam, now }),
    tokens,
    ecr: new EcrAccess({ credentials, authorizer, region: config.region, log, ...(open ? { open } : {}) }),
    oci: new IamOciAccess({
      store,
      authorizer,
      tokens,
      defaultAccountId: config.accountId,
      createRepositoryOnPush: config.createRepositoryOnPush,
      limits: {
        anonymous: new RateLimiter(config.auth.rateLimit.anonymous),
        authenticated: new AccountRateQuotas(config.auth.rateLimit.authenticated),
      },
      challenge: config.auth.challenge,
      log,
    }),
    root,
  };
}

export type { RootCredentialsStatus } from './root-credentials.js';
