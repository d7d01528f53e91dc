import type { Artifact } from './artifacts.js';

export interface ViewRecord {
  artifact: Artifact;
  layerIndex: number;
  layerDigest: string;
}

/**
 * The image's filesystem as seen through its layers, for the files the scanner kept. A later
 * layer's entry at a path replaces the earlier record; OCI whiteouts (".wh.<name>") delete a path
 * and everything under it from lower layers; an opaque marker (".wh..wh..opq") hides all lower
 * layers' contents of its directory.
 */
export class MergedView {
  private readonly records = new Map<string, ViewRecord>();

  put(path: string, record: ViewRecord): void {
    this.records.set(path, record);
  }

  /** An upper layer wrote something at `path` that the scanner does not keep. */
  drop(path: string): void {
    this.records.delete(path);
  }

  get(path: string): ViewRecord | undefined {
    return this.records.get(path);
  }

  whiteout(path: string, layerIndex: number): void {
    const rec = this.records.get(path);
    if (rec && rec.layerIndex < layerIndex) this.records.delete(path);
    this.removeUnder(`${path}/`, layerIndex);
  }

  opaque(dir: string, layerIndex: number): void {
    this.removeUnder(dir ? `${dir}/` : '', layerIndex);
  }

  entries(): IterableIterator<[string, ViewRecord]> {
    return this.records.entries();
  }

  private removeUnder(prefix: string, layerIndex: number): void {
    for (const [path, rec] of this.records) {
      if (rec.layerIndex < layerIndex && path.startsWith(prefix)) this.records.delete(path);
    }
  }
}
