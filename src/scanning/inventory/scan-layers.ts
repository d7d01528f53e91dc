import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type { Logger } from '../../util/logger.js';
import { ScanFailedError } from '../errors.js';
import { layerTarStream, type ByteCounters } from '../layers/decompress.js';
import { checkSymlinkTarget, HostileEntryError, normalizeEntryPath, normalizeHardlinkTarget } from '../layers/entry-path.js';
import { formatBytes, resolveLimits, type ScanLimits } from '../layers/limits.js';
import { readTar, TarFormatError, type TarEntry } from '../layers/tar-reader.js';
import type { Inventory } from '../types.js';
import type { Artifact } from './artifacts.js';
import { buildInventory } from './build.js';
import { readerFor, recordsSymlink } from './classify.js';
import { FileContentError, readLines } from './lines.js';
import { MergedView } from './merged-view.js';
import { artifactBytes } from './retained.js';

/** One image layer, bottom first. The media type is informational: compression is sniffed. */
export interface LayerSource {
  digest: string;
  mediaType: string;
  open(): Promise<Readable>;
}

export interface ScanLayersOptions {
  limits?: Partial<ScanLimits>;
  log?: Pick<Logger, 'debug'>;
  signal?: AbortSignal;
}

const WHITEOUT_PREFIX = '.wh.';
const OPAQUE_MARKER = '.wh..wh..opq';

/**
 * Reads an image's layers in order as streams and returns what is installed. Layers are never
 * extracted or held whole: each tar entry is either parsed (package databases, manifests), scanned
 * in passing (Go build info in executables) or skipped. Whiteouts and opaque directories apply
 * across layers. A broken or hostile layer fails the scan with a ScanFailedError naming the layer.
 */
export async function scanLayers(layers: AsyncIterable<LayerSource> | Iterable<LayerSource>, options: ScanLayersOptions = {}): Promise<Inventory> {
  const limits = resolveLimits(options.limits);
  const view = new MergedView();
  const warnings: string[] = [];
  const state: ScanState = { limits, view, warnings, counters: { uncompressed: 0 }, entries: 0, retained: 0 };
  let index = 0;
  for await (const layer of layers) {
    options.signal?.throwIfAborted();
    const started = Date.now();
    await scanLayer(layer, index++, state, options.signal);
    options.log?.debug({ layer: layer.digest, ms: Date.now() - started }, 'layer scanned');
  }
  return buildInventory(view, warnings);
}

interface ScanState {
  limits: ScanLimits;
  view: MergedView;
  warnings: string[];
  counters: ByteCounters;
  entries: number;
  retained: number;
}

async function scanLayer(layer: LayerSource, layerIndex: number, state: ScanState, signal?: AbortSignal): Promise<void> {
  let raw: Readable;
  try {
    raw = await layer.open();
  } catch (err) {
    throw new ScanFailedError('layer-unreadable', `layer ${layer.digest} could not be opened: ${(err as Error).message}`, { layerDigest: layer.digest });
  }
  try {
    const tar = readTar(layerTarStream(raw, layer.digest, state.limits, state.counters), state.limits.maxHeaderBytes);
    for await (const entry of tar) {
      signal?.throwIfAborted();
      if (++state.entries > state.limits.maxEntries) {
        throw new ScanFailedError('limit-exceeded', `image has more than ${state.limits.maxEntries} tar entries (limit maxEntries)`, {
          layerDigest: layer.digest,
        });
      }
      await handleEntry(entry, layer.digest, layerIndex, state);
    }
  } catch (err) {
    throw asScanFailure(err, layer.digest);
  } finally {
    raw.destroy();
  }
}

async function handleEntry(entry: TarEntry, digest: string, layerIndex: number, state: ScanState): Promise<void> {
  const path = normalizeEntryPath(entry.name);
  if (path === '') return;
  const slash = path.lastIndexOf('/');
  const base = path.slice(slash + 1);
  const dir = slash < 0 ? '' : path.slice(0, slash);
  const { view } = state;
  if (base.startsWith(WHITEOUT_PREFIX)) {
    if (base === OPAQUE_MARKER) view.opaque(dir, layerIndex);
    else if (!base.startsWith(`${WHITEOUT_PREFIX}${WHITEOUT_PREFIX}`)) view.whiteout(dir ? `${dir}/${base.slice(4)}` : base.slice(4), layerIndex);
    return;
  }
  const keep = (artifact: Artifact | undefined): void => {
    if (artifact) view.put(path, { artifact, layerIndex, layerDigest: digest });
    else view.drop(path);
  };
  switch (entry.type) {
    case 'symlink':
      checkSymlinkTarget(path, entry.linkname);
      keep(recordsSymlink(path) ? { kind: 'symlink', target: entry.linkname } : undefined);
      return;
    case 'hardlink': {
      const target = normalizeHardlinkTarget(path, entry.linkname);
      const rec = view.get(target);
      keep(rec && readerFor(path, entry.mode, 0) ? rec.artifact : undefined);
      return;
    }
    case 'file':
      keep(await readFile(entry, path, state));
      return;
    default:
      view.drop(path);
  }
}

/**
 * Reads one file the scanner wants. Memory stays bounded whatever the layer holds: text databases
 * are read line by line, other formats only up to `maxFileReadBytes`, and everything kept counts
 * against `maxRetainedBytes` as it is parsed (see retained.ts).
 */
async function readFile(entry: TarEntry, path: string, state: ScanState): Promise<Artifact | undefined> {
  const reader = readerFor(path, entry.mode, entry.size);
  if (!reader) return undefined;
  const warn = (message: string): void => {
    state.warnings.push(message);
  };
  if (reader.mode === 'stream') return reader.scan(entry.body(), path, warn);
  const retain = (bytes: number): void => {
    state.retained += bytes;
    if (state.retained > state.limits.maxRetainedBytes) {
      throw new ScanFailedError('limit-exceeded', `image holds more than ${formatBytes(state.limits.maxRetainedBytes)} of package metadata (limit maxRetainedBytes); last read: ${path}`);
    }
  };
  if (reader.mode === 'lines') {
    try {
      return await readLines(entry.body(), reader.sink(retain));
    } catch (err) {
      if (!(err instanceof FileContentError)) throw err;
      warn(`${path} ${err.message}; not inventoried`);
      return undefined;
    }
  }
  if (entry.size > state.limits.maxFileReadBytes) {
    warn(`${path} is ${formatBytes(entry.size)}, over the ${formatBytes(state.limits.maxFileReadBytes)} read limit; not inventoried`);
    return undefined;
  }
  let artifact: Artifact | undefined;
  try {
    artifact = reader.mode === 'text' ? reader.parse(await readText(entry)) : await reader.parse(await entry.read(), path);
  } catch (err) {
    // The layer's own failures (truncated, corrupt, over a limit) fail the scan; the file's, only the file.
    if (err instanceof ScanFailedError || err instanceof TarFormatError) throw err;
    warn(`${path} could not be parsed: ${(err as Error).message.split('\n')[0]}`);
    return undefined;
  }
  if (artifact) retain(artifactBytes(artifact));
  return artifact;
}

/** A file's body as a string, decoded piece by piece (no file-sized Buffer, which malloc would keep after a scan). */
async function readText(entry: TarEntry): Promise<string> {
  const decoder = new StringDecoder('utf8');
  let text = '';
  for await (const piece of entry.body()) text += decoder.write(piece);
  return text + decoder.end();
}

function asScanFailure(err: unknown, digest: string): unknown {
  if (err instanceof ScanFailedError) return err;
  if (err instanceof HostileEntryError) return new ScanFailedError('entry-hostile', `layer ${digest}: ${err.message}`, { layerDigest: digest, path: err.path });
  if (err instanceof TarFormatError) {
    const reason = err.kind === 'header-too-large' ? 'limit-exceeded' : 'tar-invalid';
    return new ScanFailedError(reason, `layer ${digest}: ${err.message}`, { layerDigest: digest });
  }
  return err;
}
