import { isUtf8 } from 'node:buffer';
import { DomainError, manifestInvalid, manifestTooLarge } from '../errors.js';
import { MANIFEST_MEDIA_TYPES, MediaType, bareMediaType, type ManifestKind } from '../media-types.js';
import { type Descriptor, isValidMediaType, parseAnnotations, parseDescriptor } from './descriptor.js';

/** The largest manifest Berth accepts (the OCI spec suggests registries accept at least 4 MiB). */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

export interface ParsedManifest {
  mediaType: string;
  kind: ManifestKind;
  /** Image manifests: the config descriptor. */
  config?: Descriptor;
  /** Image manifests: layers in order. */
  layers: Descriptor[];
  /** Indexes: child manifests. */
  manifests: Descriptor[];
  subject?: Descriptor;
  /** The artifact type as the referrers API reports it: `artifactType`, else the config media type. */
  artifactType?: string;
  annotations?: Record<string, string>;
}

/**
 * Parses and validates a manifest body against its declared media type. The Content-Type header
 * and the body's own `mediaType` must agree when both are present; a body without either is
 * classified by shape, as the OCI spec allows for image manifests and indexes.
 */
export function parseManifest(content: Buffer, contentType: string | undefined): ParsedManifest {
  if (content.length > MAX_MANIFEST_BYTES) {
    throw manifestTooLarge(MAX_MANIFEST_BYTES, content.length);
  }
  // JSON is UTF-8 (RFC 8259), and the image spec requires it of manifests. Decoding other bytes
  // would replace them (U+FFFD), so the text an API returns would no longer hash to the digest.
  if (!isUtf8(content)) throw manifestInvalid('manifest is not valid UTF-8');
  let body: unknown;
  try {
    body = JSON.parse(content.toString('utf8'));
  } catch (err) {
    throw manifestInvalid(`manifest is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw manifestInvalid('manifest must be a JSON object');
  const m = body as Record<string, unknown>;

  const header = bareMediaType(contentType);
  if (header === MediaType.DockerSchema1 || header === MediaType.DockerSchema1Signed || m.schemaVersion === 1) {
    throw new DomainError('Unsupported', 'Docker schema1 manifests are not supported; push with a current client');
  }
  if (m.schemaVersion !== 2) throw manifestInvalid('manifest schemaVersion must be 2');
  if (m.mediaType !== undefined && !isValidMediaType(m.mediaType)) throw manifestInvalid('manifest mediaType is not a valid media type');

  const declared = m.mediaType as string | undefined;
  if (declared && MANIFEST_MEDIA_TYPES.has(header) && declared !== header) {
    throw manifestInvalid(`manifest mediaType "${declared}" does not match Content-Type "${header}"`);
  }
  const mediaType = MANIFEST_MEDIA_TYPES.has(header) ? header : (declared ?? inferMediaType(m));
  const kind = MANIFEST_MEDIA_TYPES.get(mediaType);
  if (!kind) {
    throw manifestInvalid(`unsupported manifest media type "${mediaType}"`, { supported: [...MANIFEST_MEDIA_TYPES.keys()] });
  }
  return kind === 'image' ? parseImageManifest(m, mediaType) : parseIndex(m, mediaType);
}

function inferMediaType(m: Record<string, unknown>): string {
  if (Array.isArray(m.manifests)) return MediaType.OciIndex;
  if (m.config !== undefined) return MediaType.OciManifest;
  throw manifestInvalid('cannot tell the manifest type: set Content-Type or the mediaType field');
}

function parseImageManifest(m: Record<string, unknown>, mediaType: string): ParsedManifest {
  if (m.manifests !== undefined) throw manifestInvalid('an image manifest must not have "manifests"');
  const config = parseDescriptor(m.config, 'config');
  if (!Array.isArray(m.layers)) throw manifestInvalid('manifest layers must be an array');
  const layers = m.layers.map((layer, i) => parseDescriptor(layer, `layers[${i}]`));
  const parsed = common(m, mediaType, 'image');
  parsed.config = config;
  parsed.layers = layers;
  // Referrers report `artifactType`, falling back to the config media type (OCI distribution-spec).
  parsed.artifactType ??= config.mediaType;
  return parsed;
}

function parseIndex(m: Record<string, unknown>, mediaType: string): ParsedManifest {
  if (m.config !== undefined || m.layers !== undefined) throw manifestInvalid('an index must not have "config" or "layers"');
  if (!Array.isArray(m.manifests)) throw manifestInvalid('index manifests must be an array');
  const parsed = common(m, mediaType, 'index');
  parsed.manifests = m.manifests.map((child, i) => {
    const d = parseDescriptor(child, `manifests[${i}]`);
    if (!MANIFEST_MEDIA_TYPES.has(d.mediaType)) {
      throw manifestInvalid(`manifests[${i}].mediaType "${d.mediaType}" is not a manifest media type`);
    }
    return d;
  });
  return parsed;
}

function common(m: Record<string, unknown>, mediaType: string, kind: ManifestKind): ParsedManifest {
  const parsed: ParsedManifest = { mediaType, kind, layers: [], manifests: [] };
  if (m.subject !== undefined) parsed.subject = parseDescriptor(m.subject, 'subject');
  if (m.artifactType !== undefined) {
    if (!isValidMediaType(m.artifactType)) throw manifestInvalid('artifactType is not a valid media type');
    parsed.artifactType = m.artifactType;
  }
  const annotations = parseAnnotations(m.annotations, 'manifest');
  if (annotations) parsed.annotations = annotations;
  return parsed;
}
