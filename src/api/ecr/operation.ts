/**
 * How an ECR operation is implemented: a handler from the operation's typed wire input (see
 * model/types.ts) to its typed wire output, registered with `defineOperation`:
 *
 *   export const createRepository = (repos: RepositoryService) =>
 *     defineOperation({
 *       name: 'CreateRepository',
 *       handler: async (input, ctx) => ({ repository: toWire(await repos.create(ctx.accountId, input.repositoryName)) }),
 *       errors: { Conflict: 'RepositoryAlreadyExistsException' }, // optional per-operation mapping
 *     });
 *
 * Input arrives validated against the model (required members, lengths, ranges, patterns, enums),
 * unknown members removed, timestamps as Date and blobs as Buffer. Throw DomainError for failures;
 * errors.ts (plus `errors` here) decides the AWS exception.
 */
import type { Logger } from '../../util/logger.js';
import type { AuthenticatedPrincipal, RequestFacts } from '../../iam/principal.js';
import type { ErrorOverrides } from './errors.js';
import { getOperationModel } from './model/index.js';
import type { EcrOperationName, EcrOperations } from './model/types.js';
import type { Pager } from './pager.js';

export type OperationInput<N extends EcrOperationName> = EcrOperations[N]['input'];
export type OperationOutput<N extends EcrOperationName> = EcrOperations[N]['output'];

/** Resource names for responses, for the account the request acts on unless told otherwise. */
export interface ResourceNames {
  repositoryArn(repositoryName: string, accountId?: string): string;
  repositoryUri(repositoryName: string, accountId?: string): string;
  /** Registry URL for GetAuthorizationToken's proxyEndpoint. */
  proxyEndpoint(accountId?: string): string;
}

export interface OperationContext<N extends EcrOperationName = EcrOperationName> {
  operation: N;
  principal: AuthenticatedPrincipal;
  requestFacts: RequestFacts;
  /** The account to act on: the request's registryId when present, else the caller's account. */
  accountId: string;
  region: string;
  log: Logger;
  /** Pagination per the operation's paginator (throws if the operation has none). */
  pages: Pager;
  resources: ResourceNames;
}

export interface OperationDefinition<N extends EcrOperationName> {
  name: N;
  handler: (input: OperationInput<N>, ctx: OperationContext<N>) => Promise<OperationOutput<N>>;
  /** Domain error code -> exception for this operation, ahead of the catalogue in errors.ts. */
  errors?: ErrorOverrides;
}

export type AnyOperationDefinition = { [N in EcrOperationName]: OperationDefinition<N> }[EcrOperationName];

export function defineOperation<N extends EcrOperationName>(definition: OperationDefinition<N>): OperationDefinition<N> {
  if (!getOperationModel(definition.name)) throw new Error(`${definition.name} is not an ECR operation`);
  return Object.freeze({ ...definition });
}

/** Indexes operations by name; a name registered twice is a wiring mistake. */
export function operationRegistry(definitions: readonly AnyOperationDefinition[]): ReadonlyMap<string, AnyOperationDefinition> {
  const registry = new Map<string, AnyOperationDefinition>();
  for (const definition of definitions) {
    if (!getOperationModel(definition.name)) throw new Error(`${definition.name} is not an ECR operation`);
    if (registry.has(definition.name)) throw new Error(`ECR operation ${definition.name} is registered twice`);
    registry.set(definition.name, definition);
  }
  return registry;
}
