/**
 * OCI documents as tests write them: descriptors, image manifests and indexes, and small images
 * (a config and layers with the manifest naming them) that are not uploaded anywhere yet.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { sha256 } from './digest.js';
import { OCI_CONFIG, OCI_INDEX, OCI_LAYER, OCI_MANIFEST } from './media-types.js';

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  platform?: { architecture: string; os: string; variant?: string };
  annotations?: Record<string, string>;
  urls?: string[];
}

/** The descriptor of `content` (platform, annotations… in `extra`). */
export function descriptorOf(content: Buffer | string, mediaType: string, extra: Partial<Descriptor> = {}): Descriptor {
  return { mediaType, digest: sha256(content), size: Buffer.byteLength(content), ...extra };
}

/**
 * An image manifest: schemaVersion 2, its media type (OCI unless given), then the other fields in
 * the order given (config, layers, and artifactType, subject, annotations… when a test needs them).
 */
export function manifestDocument(fields: { mediaType?: string; config?: Descriptor; layers?: Descriptor[]; [field: string]: unknown }): Record<string, unknown> {
  const { mediaType = OCI_MANIFEST, ...rest } = fields;
  return { schemaVersion: 2, mediaType, ...rest };
}

/** An image index listing `manifests` (media type OCI unless given; subject, annotations… as given). */
export function indexDocument(fields: { mediaType?: string; manifests: Descriptor[]; [field: string]: unknown }): Record<string, unknown> {
  const { mediaType = OCI_INDEX, ...rest } = fields;
  return { schemaVersion: 2, mediaType, ...rest };
}

/** A blob with what a manifest needs to name it. */
export interface Blob {
  content: Buffer;
  digest: string;
  size: number;
  mediaType: string;
}

export function blob(content: Buffer = randomBytes(100), mediaType = OCI_LAYER): Blob {
  return { content, digest: sha256(content), size: content.length, mediaType };
}

export const descriptor = (b: Blob): Descriptor => ({ mediaType: b.mediaType, digest: b.digest, size: b.size });

/** An amd64/linux image config, unique per call unless `fields` say otherwise. */
export function configBlob(fields: Record<string, unknown> = {}, mediaType = OCI_CONFIG): Blob {
  return blob(Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', id: randomUUID(), ...fields })), mediaType);
}

export interface TestImage {
  config: Blob;
  layers: Blob[];
  /** Config first, then layers: what a client uploads before the manifest. */
  blobs: Blob[];
  /** The manifest as sent. */
  manifest: string;
  mediaType: string;
  digest: string;
  /** Config and layer bytes together (ECR's imageSizeInBytes). */
  size: number;
}

/** An image manifest over a fresh config and one random layer, or the given ones (not yet uploaded). */
export function image(options: { mediaType?: string; layers?: Blob[]; config?: Blob; extra?: Record<string, unknown> } = {}): TestImage {
  const config = options.config ?? configBlob();
  const layers = options.layers ?? [blob()];
  const mediaType = options.mediaType ?? OCI_MANIFEST;
  const manifest = JSON.stringify(manifestDocument({ mediaType, config: descriptor(config), layers: layers.map(descriptor), ...options.extra }));
  return { config, layers, blobs: [config, ...layers], manifest, mediaType, digest: sha256(manifest), size: config.size + layers.reduce((n, l) => n + l.size, 0) };
}

/** The descriptor of a manifest as an index lists it. */
export function manifestDescriptor(m: { manifest: string | Buffer; mediaType: string; digest: string }, extra: Partial<Descriptor> = {}): Descriptor {
  return { mediaType: m.mediaType, digest: m.digest, size: Buffer.byteLength(m.manifest), ...extra };
}
