import { digestOf } from '../digest.js';
import { MediaType } from '../media-types.js';

/**
 * ECR's "image manifest conversion" between Docker Image Manifest V2 Schema 2 and the OCI image
 * manifest, for a client that does not accept the stored format. Pure: it never touches what is
 * stored; the converted document is new bytes (and so has its own digest).
 *
 * Rules (what each field becomes):
 * - the manifest's `mediaType` is the target's; `schemaVersion` stays 2;
 * - the config's media type maps between `application/vnd.docker.container.image.v1+json` and
 *   `application/vnd.oci.image.config.v1+json`; any other config (an artifact: Helm chart,
 *   signature, SBOM) has no Docker equivalent, so such a manifest is not converted;
 * - layers map gzip ↔ gzip, uncompressed tar ↔ tar, and foreign (non-distributable) gzip ↔ gzip;
 *   zstd layers and other layer types have no Docker equivalent, so are not converted;
 * - descriptors keep `digest`, `size` and `urls`; going to Docker drops what Schema 2 has no field
 *   for (`annotations`, the manifest's `subject`); a manifest with an `artifactType` is an
 *   artifact, not an image, and is not converted;
 * - indexes and manifest lists, and Docker schema1, are never converted.
 */
export type ConversionOutcome = { content: Buffer; mediaType: string; digest: string } | { unavailable: string };

const LAYERS_TO_DOCKER: Readonly<Record<string, string>> = {
  'application/vnd.oci.image.layer.v1.tar+gzip': 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  'application/vnd.oci.image.layer.v1.tar': 'application/vnd.docker.image.rootfs.diff.tar',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip': 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
};
const LAYERS_TO_OCI: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(LAYERS_TO_DOCKER).map(([oci, docker]) => [docker, oci]));

const TARGETS: Readonly<Record<string, { from: string; config: [string, string]; layers: Readonly<Record<string, string>>; dropOciFields: boolean }>> = {
  [MediaType.DockerManifest]: { from: MediaType.OciManifest, config: [MediaType.OciConfig, MediaType.DockerConfig], layers: LAYERS_TO_DOCKER, dropOciFields: true },
  [MediaType.OciManifest]: { from: MediaType.DockerManifest, config: [MediaType.DockerConfig, MediaType.OciConfig], layers: LAYERS_TO_OCI, dropOciFields: false },
};

type Descriptor = { mediaType?: unknown; digest?: unknown; size?: unknown; urls?: unknown; annotations?: unknown };

/**
 * The stored manifest in the first of `accepted` it can be converted to, or why none can be.
 * `content` must be a stored (so already validated) image manifest of `mediaType`.
 */
export function convertManifest(content: Buffer, mediaType: string, accepted: readonly string[]): ConversionOutcome {
  const targets = accepted.filter((type) => TARGETS[type]?.from === mediaType);
  if (targets.length === 0) {
    return { unavailable: `no conversion from ${mediaType} to ${accepted.join(', ')} is available` };
  }
  const target = targets[0]!;
  const rule = TARGETS[target]!;
  const doc = JSON.parse(content.toString('utf8')) as { config?: Descriptor; layers?: Descriptor[]; artifactType?: unknown; annotations?: unknown; subject?: unknown };
  if (doc.artifactType !== undefined) return { unavailable: `an artifact (artifactType ${String(doc.artifactType)}) cannot be converted to ${target}` };
  const config = doc.config;
  if (!config || !rule.config.includes(String(config.mediaType))) return { unavailable: `a manifest with config media type ${String(config?.mediaType)} cannot be converted to ${target}` };
  const layers: Descriptor[] = [];
  for (const layer of doc.layers ?? []) {
    // A layer already typed in the target's vocabulary (mixed manifests exist) stays as it is.
    const type = String(layer.mediaType);
    const mapped = rule.layers[type] ?? (Object.values(rule.layers).includes(type) ? type : undefined);
    if (!mapped) return { unavailable: `a layer of media type ${String(layer.mediaType)} cannot be converted to ${target}` };
    layers.push(descriptor(layer, mapped, rule.dropOciFields));
  }
  const converted: Record<string, unknown> = { schemaVersion: 2, mediaType: target, config: descriptor(config, rule.config[1], rule.dropOciFields), layers };
  if (!rule.dropOciFields) {
    if (doc.subject !== undefined) converted.subject = doc.subject;
    if (doc.annotations !== undefined) converted.annotations = doc.annotations;
  }
  const bytes = Buffer.from(JSON.stringify(converted, null, 3), 'utf8');
  return { content: bytes, mediaType: target, digest: digestOf(bytes) };
}

function descriptor(d: Descriptor, mediaType: string, dropOciFields: boolean): Descriptor {
  return {
    mediaType,
    size: d.size,
    digest: d.digest,
    ...(d.urls !== undefined && { urls: d.urls }),
    ...(!dropOciFields && d.annotations !== undefined && { annotations: d.annotations }),
  };
}
