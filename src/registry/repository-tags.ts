import { DomainError, tooManyTags } from '../domain/errors.js';
import type { RepositoryKey } from '../domain/reference.js';
import type { ResourceTag } from '../metadata/repository-tag-store.js';
import type { RegistryContext } from './context.js';
import type { RepositoryService } from './repositories.js';

/** AWS's limits for resource tags (ECR: "maximum number of tags that can be applied to a repository is 50"). */
const MAX_TAGS_PER_REPOSITORY = 50;
const MAX_KEY_LENGTH = 128;
const MAX_VALUE_LENGTH = 256;
// AWS tagging rules: letters, digits, white space and _ . : / = + - @ (in any script).
const TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** Resource tags on repositories, checked against AWS's tagging rules. */
export class RepositoryTagService {
  constructor(
    private readonly ctx: RegistryContext,
    private readonly repositories: RepositoryService,
  ) {}

  async list(key: RepositoryKey): Promise<ResourceTag[]> {
    const repository = await this.repositories.get(key);
    return this.ctx.store.repositoryTags.getRepositoryTags(repository.id);
  }

  async tag(key: RepositoryKey, tags: readonly ResourceTag[]): Promise<void> {
    checkTags(tags);
    const repository = await this.repositories.get(key);
    await this.ctx.store.repositoryTags.tagRepository(repository.id, tags, MAX_TAGS_PER_REPOSITORY);
  }

  async untag(key: RepositoryKey, keys: readonly string[]): Promise<void> {
    for (const k of keys) checkKey(k);
    const repository = await this.repositories.get(key);
    await this.ctx.store.repositoryTags.untagRepository(repository.id, keys);
  }
}

/** Throws InvalidTagParameter / TooManyTags for tags AWS would refuse. */
export function checkTags(tags: readonly ResourceTag[]): void {
  const keys = new Set<string>();
  for (const tag of tags) {
    checkKey(tag.key);
    if ([...tag.value].length > MAX_VALUE_LENGTH) invalid(`Tag value for key '${tag.key}' is longer than ${MAX_VALUE_LENGTH} characters`);
    if (!TAG_CHARACTERS.test(tag.value)) invalid(`Tag value for key '${tag.key}' contains characters that are not allowed`);
    if (keys.has(tag.key)) invalid(`Tag key '${tag.key}' appears more than once`);
    keys.add(tag.key);
  }
  if (keys.size > MAX_TAGS_PER_REPOSITORY) throw tooManyTags(MAX_TAGS_PER_REPOSITORY);
}

function checkKey(key: string): void {
  const length = [...key].length;
  if (length < 1 || length > MAX_KEY_LENGTH) invalid(`Tag keys must be 1 to ${MAX_KEY_LENGTH} characters long`);
  if (!TAG_CHARACTERS.test(key)) invalid(`Tag key '${key}' contains characters that are not allowed`);
  if (key.toLowerCase().startsWith('aws:')) invalid(`Tag keys beginning with 'aws:' are reserved for AWS use: '${key}'`);
}

function invalid(message: string): never {
  throw new DomainError('InvalidTagParameter', message);
}
