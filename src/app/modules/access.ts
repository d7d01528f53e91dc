import type { EcrAuthenticate, EcrAuthorize } from '../../api/ecr/mount.js';
import { accessOperations } from '../../api/ecr/operations/index.js';
import { openAccess } from '../../api/oci/access.js';
import { requestFacts } from '../../api/request-facts.js';
import { clientScheme } from '../../api/url-scheme.js';
import { type Iam, createIam } from '../../iam/index.js';
import type { OciAccess } from '../../iam/ports.js';
import { registryTokenEndpoint } from '../../api/token-endpoint.js';
import type { BerthModule, ModuleContext } from '../module.js';

/** Identity and access as the adapters use it. */
export interface Access {
  iam: Iam;
  /** How /v2 authenticates and authorizes. */
  oci: OciAccess;
  /** How the ECR API authenticates and authorizes. */
  ecr: { authenticate: EcrAuthenticate; authorize: EcrAuthorize };
}

export interface AccessOverrides {
  /** Overrides how /v2 authenticates and authorizes (default: IAM, or open access in auth.mode none). */
  access?: OciAccess;
  /** Overrides how the ECR API authenticates (default: SigV4 with IAM access keys). */
  ecrAuthenticate?: EcrAuthenticate;
}

/**
 * Identity and access: IAM (accounts, users, keys, policies; the default account's root
 * credentials, generated on first start), the ECR operations over it (registry tokens, policies,
 * account settings), and the bearer challenge's token endpoint.
 */
export async function accessModule({ core, config }: ModuleContext, overrides: AccessOverrides = {}): Promise<BerthModule<Access>> {
  const iam = await createIam({
    options: {
      auth: config.auth,
      accountId: config.accountId,
      region: config.region,
      dataDir: config.dataDir,
      createRepositoryOnPush: config.registry.createRepositoryOnPush,
    },
    store: core.store,
    log: core.log,
    now: core.clock,
  });
  // auth.mode none is the explicit development switch: /v2 open to anyone, ECR calls as the default root.
  const oci = overrides.access ?? (iam.mode === 'none' ? openAccess(config.accountId) : iam.oci);
  return {
    name: 'access',
    service: { iam, oci, ecr: { authenticate: overrides.ecrAuthenticate ?? iam.ecr.authenticate, authorize: iam.ecr.authorize } },
    ecrOperations: accessOperations({ tokens: iam.tokens, policies: iam.policies, settings: iam.settings, scheme: clientScheme(config) }),
    // The bearer challenge's token endpoint (auth.challenge: bearer); harmless when unused.
    routes:
      iam.mode === 'iam'
        ? [
            async (server) => {
              await server.register(registryTokenEndpoint, { tokens: iam.tokens, facts: requestFacts });
            },
          ]
        : [],
  };
}
