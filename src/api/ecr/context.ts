/** Builds the context an operation handler receives. */
import type { Logger } from '../../util/logger.js';
import type { AuthenticatedPrincipal, RequestFacts } from '../../iam/principal.js';
import type { EcrOperationName } from './model/types.js';
import type { OperationContext, ResourceNames } from './operation.js';
import { Pager } from './pager.js';
import type { PageTokenCodec } from './pagination.js';
import { checkHostTemplate, proxyEndpoint, repositoryArn, repositoryUri } from './resources.js';

export interface ContextSettings {
  region: string;
  partition: string;
  registryHostTemplate: string | ((request: { host?: string }) => string);
  codec: PageTokenCodec;
}

export interface ContextRequest {
  operation: EcrOperationName;
  principal: AuthenticatedPrincipal;
  input: Record<string, unknown>;
  requestFacts: RequestFacts;
  /** The Host header, as sent. */
  host?: string;
  log: Logger;
}

/** The account a request acts on: its registryId member when present, else the caller's. */
function targetAccount(input: Record<string, unknown>, principal: AuthenticatedPrincipal): string {
  return typeof input.registryId === 'string' ? input.registryId : principal.accountId;
}

export function buildContext(settings: ContextSettings, request: ContextRequest): OperationContext {
  const accountId = targetAccount(request.input, request.principal);
  const { region, partition } = settings;
  const registryHostTemplate = hostTemplate(settings.registryHostTemplate, request.host);
  const resources: ResourceNames = {
    repositoryArn: (name, account = accountId) => repositoryArn({ accountId: account, region }, name, partition),
    repositoryUri: (name, account = accountId) => repositoryUri(registryHostTemplate, { accountId: account, region }, name),
    proxyEndpoint: (account = accountId) => proxyEndpoint(registryHostTemplate, { accountId: account, region }),
  };
  return {
    operation: request.operation,
    principal: request.principal,
    requestFacts: request.requestFacts,
    accountId,
    region,
    log: request.log,
    pages: new Pager(settings.codec, request.operation, accountId, request.input),
    resources,
  };
}

function hostTemplate(template: ContextSettings['registryHostTemplate'], host: string | undefined): string {
  if (typeof template === 'string') return template;
  const resolved = template({ host });
  checkHostTemplate(resolved);
  return resolved;
}
