/** A resource tag (ECR's TagResource), not an image tag. */
export interface ResourceTag {
  key: string;
  value: string;
}

/**
 * Resource tags on repositories (TagResource, UntagResource, ListTagsForResource, CreateRepository
 * `tags`). Authorization reads them for `aws:ResourceTag/<key>` and `ecr:ResourceTag/<key>`
 * conditions. Tags go when their repository is deleted.
 */
export interface RepositoryTagStore {
  /** The repository's tags ordered by key; empty for an unknown repository. */
  getRepositoryTags(repositoryId: number): Promise<ResourceTag[]>;
  /**
   * Adds or overwrites tags in one transaction. Throws TooManyTags, changing nothing, when the
   * repository would end up with more than `maxTags` tags.
   */
  tagRepository(repositoryId: number, tags: readonly ResourceTag[], maxTags: number): Promise<void>;
  /** Removes the tags with these keys; absent keys are ignored. */
  untagRepository(repositoryId: number, keys: readonly string[]): Promise<void>;
}
