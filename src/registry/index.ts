import { BlobService } from './blobs.js';
import type { RegistryContext } from './context.js';
import { DiscoveryService } from './discovery.js';
import { ImageService } from './images.js';
import { ManifestService } from './manifests.js';
import { PullRecorder } from './pull-recorder.js';
import { RepositoryService } from './repositories.js';
import { RepositoryTagService } from './repository-tags.js';
import { UploadService } from './uploads.js';

/** The registry services, built once over one context and shared by every adapter. */
export interface Registry {
  repositories: RepositoryService;
  blobs: BlobService;
  uploads: UploadService;
  manifests: ManifestService;
  discovery: DiscoveryService;
  /** ECR's image listings (by tag and storage status) and delete-by-tag. */
  images: ImageService;
  /** Resource tags on repositories. */
  repositoryTags: RepositoryTagService;
  pulls: PullRecorder;
}

export function createRegistry(ctx: RegistryContext): Registry {
  const repositories = new RepositoryService(ctx);
  const pulls = new PullRecorder(ctx.store.registry, ctx.log);
  return {
    repositories,
    blobs: new BlobService(ctx, repositories),
    uploads: new UploadService(ctx, repositories),
    manifests: new ManifestService(ctx, repositories, pulls),
    discovery: new DiscoveryService(ctx, repositories),
    images: new ImageService(ctx, repositories),
    repositoryTags: new RepositoryTagService(ctx, repositories),
    pulls,
  };
}
