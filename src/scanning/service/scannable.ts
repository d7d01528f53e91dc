import { DomainError } from '../../domain/errors.js';
import { MediaType } from '../../domain/media-types.js';

/** Manifest and config media types of what ECR calls an image: the only things it scans. */
const IMAGE_MANIFESTS: ReadonlySet<string> = new Set([MediaType.OciManifest, MediaType.DockerManifest]);
const IMAGE_CONFIGS: ReadonlySet<string> = new Set([MediaType.OciConfig, MediaType.DockerConfig]);

/**
 * The media type that makes a manifest unscannable, or undefined for an image. ECR scans images,
 * not indexes (each child image is pushed, and scanned, on its own) nor other artifacts (Helm
 * charts, signatures, SBOMs).
 */
export function unscannableMediaType(manifest: { mediaType: string; artifactType?: string }): string | undefined {
  if (!IMAGE_MANIFESTS.has(manifest.mediaType)) return manifest.mediaType;
  if (manifest.artifactType !== undefined && !IMAGE_CONFIGS.has(manifest.artifactType)) return manifest.artifactType;
  return undefined;
}

/** StartImageScan's answer for an index or artifact, in ECR's words (observed: buildx OCI indexes). */
export function unsupportedImageType(mediaType: string): DomainError {
  return new DomainError(
    'UnsupportedImageType',
    `An artifact with media type '${mediaType}' cannot be scanned. For more information, see the Amazon ECR documentation.`,
  );
}
