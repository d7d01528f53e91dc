import { nameInvalid, tagInvalid } from './errors.js';

// OCI distribution-spec grammar for repository names: path components separated by "/", each
// `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*`.
const NAME_COMPONENT = '[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*';
const NAME_GRAMMAR = new RegExp(`^${NAME_COMPONENT}(?:/${NAME_COMPONENT})*$`);
const TAG_GRAMMAR = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;

/** ECR allows repository names of 2..256 characters; the OCI spec suggests 255 with the host. */
const MAX_REPOSITORY_NAME_LENGTH = 256;

export function isValidRepositoryName(name: string): boolean {
  return name.length <= MAX_REPOSITORY_NAME_LENGTH && NAME_GRAMMAR.test(name);
}

export function assertRepositoryName(name: string): void {
  if (!isValidRepositoryName(name)) throw nameInvalid(name);
}

export function isValidTag(tag: string): boolean {
  return TAG_GRAMMAR.test(tag);
}

export function assertTag(tag: string): void {
  if (!isValidTag(tag)) throw tagInvalid(tag);
}

/** A repository within an account: the key every registry service call takes. */
export interface RepositoryKey {
  accountId: string;
  name: string;
}
