import type { BlobLinkStore } from './blob-link-store.js';
import type { ManifestStore } from './manifest-store.js';
import type { RepositoryStore } from './repository-store.js';
import type { UploadStore } from './upload-store.js';

// The registry core's records, for the services that work through the facade.
export type { BlobRecord } from './blob-link-store.js';
export type {
  FoundManifest,
  ManifestRecord,
  ManifestReference,
  ManifestSummary,
  PutManifestInput,
  PutManifestResult,
  ReferrerRecord,
} from './manifest-store.js';
export type {
  NewRepository,
  RepositoryRecord,
  RepositorySettings,
  TagMutability,
  TagMutabilityExclusionFilter,
} from './repository-store.js';
export type { UploadRecord } from './upload-store.js';

/** The registry core's sub-stores, one per aggregate; each implementation provides all four. */
export interface RegistryParts {
  repositories: RepositoryStore;
  blobLinks: BlobLinkStore;
  uploads: UploadStore;
  manifests: ManifestStore;
}

/** Repositories, blob links, uploads, manifests, tags and referrers: the registry services' one view of them. */
export interface RegistryStore extends RepositoryStore, BlobLinkStore, UploadStore, ManifestStore {}

/** The facade over an implementation's parts (MetadataStore.registry). */
export function composeRegistryStore({ repositories: r, blobLinks: b, uploads: u, manifests: m }: RegistryParts): RegistryStore {
  return {
    createRepository: r.createRepository.bind(r),
    ensureRepository: r.ensureRepository.bind(r),
    getRepository: r.getRepository.bind(r),
    getRepositoryById: r.getRepositoryById.bind(r),
    listRepositories: r.listRepositories.bind(r),
    updateRepository: r.updateRepository.bind(r),
    deleteRepository: r.deleteRepository.bind(r),

    getRepositoryBlob: b.getRepositoryBlob.bind(b),
    linkBlob: b.linkBlob.bind(b),
    unlinkBlob: b.unlinkBlob.bind(b),

    createUpload: u.createUpload.bind(u),
    getUpload: u.getUpload.bind(u),
    touchUpload: u.touchUpload.bind(u),
    deleteUpload: u.deleteUpload.bind(u),
    listUploadsUpdatedBefore: u.listUploadsUpdatedBefore.bind(u),

    putManifest: m.putManifest.bind(m),
    getManifest: m.getManifest.bind(m),
    findManifest: m.findManifest.bind(m),
    resolveTag: m.resolveTag.bind(m),
    deleteManifest: m.deleteManifest.bind(m),
    deleteTag: m.deleteTag.bind(m),
    listTags: m.listTags.bind(m),
    tagsOf: m.tagsOf.bind(m),
    listReferrers: m.listReferrers.bind(m),
    recordPulls: m.recordPulls.bind(m),
  };
}
