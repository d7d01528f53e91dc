import { isNonDistributable } from '../../domain/media-types.js';
import { parseManifest } from '../../domain/manifest/parse.js';
import type { ManifestRecord } from '../../metadata/registry-store.js';
import type { ScannedImageFacts } from '../../metadata/scan-store.js';
import type { BlobStore } from '../../storage/blob-store.js';
import { ScanFailedError } from '../errors.js';
import type { LayerSource } from '../inventory/scan-layers.js';

/** A config larger than this is not read for its architecture (image configs are a few KiB). */
const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

export interface ImageToScan {
  layers: LayerSource[];
  /** Layers that were not read, in words for the SBOM's warnings. */
  warnings: string[];
  /** Architecture and OS from the image config, when it could be read. */
  config: Pick<ScannedImageFacts, 'architecture' | 'os'>;
}

/**
 * The layers of a stored image manifest, bottom first, as streams from blob storage. Layers are
 * opened one at a time as the scan reaches them. Foreign (non-distributable) layers that live at
 * other URLs are not in storage and are skipped with a warning. Each is read for its declared size
 * (which the push checked), so a truncated file fails the read instead of scanning a prefix.
 */
export async function imageToScan(manifest: ManifestRecord, blobs: BlobStore): Promise<ImageToScan> {
  const parsed = parseManifest(manifest.content, manifest.mediaType);
  const warnings: string[] = [];
  const layers: LayerSource[] = [];
  for (const layer of parsed.layers) {
    if (isNonDistributable(layer.mediaType) && layer.urls?.length) {
      warnings.push(`layer ${layer.digest} is a foreign layer (${layer.mediaType}) stored elsewhere; not scanned`);
      continue;
    }
    layers.push({ digest: layer.digest, mediaType: layer.mediaType, open: () => blobs.open(layer.digest, { offset: 0, length: layer.size }) });
  }
  const config = parsed.config ? await readConfig(parsed.config.digest, parsed.config.size, blobs) : {};
  return { layers, warnings, config };
}

async function readConfig(digest: string, size: number, blobs: BlobStore): Promise<ImageToScan['config']> {
  if (size > MAX_CONFIG_BYTES) return {};
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of await blobs.open(digest, { offset: 0, length: size })) chunks.push(chunk as Buffer);
  } catch (err) {
    throw new ScanFailedError('layer-unreadable', `image config ${digest} could not be read: ${(err as Error).message}`);
  }
  try {
    const config = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { architecture?: unknown; os?: unknown };
    return {
      ...(typeof config.architecture === 'string' && { architecture: config.architecture }),
      ...(typeof config.os === 'string' && { os: config.os }),
    };
  } catch {
    // An unparseable config does not stop a vulnerability scan; it only leaves the architecture out.
    return {};
  }
}
