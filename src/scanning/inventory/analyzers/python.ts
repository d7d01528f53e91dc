import type { Artifact } from '../artifacts.js';
import { StanzaReader } from '../control-file.js';
import type { LineSink } from '../lines.js';

/** Core metadata headers are a few KiB; the (long) description after them is never read. */
const MAX_HEADER_BYTES = 1024 * 1024;

/**
 * *.dist-info/METADATA, *.egg-info/PKG-INFO or an *.egg-info file: core metadata headers, read
 * line by line up to the blank line that ends them.
 */
export function pythonMetadataReader(): LineSink<Artifact | undefined> {
  let headers: Record<string, string> = {};
  const reader = new StanzaReader((s) => (headers = s), { maxStanzaBytes: MAX_HEADER_BYTES });
  let started = false;
  return {
    line: (text) => {
      if (text.trim() === '') return !started;
      started = true;
      reader.line(text);
    },
    end: () => {
      reader.end();
      return toArtifact(headers);
    },
  };
}

function toArtifact(h: Record<string, string>): Artifact | undefined {
  const name = h.Name?.trim();
  const version = h.Version?.trim();
  if (!name || !version) return undefined;
  const license = h['License-Expression'] ?? h.License;
  return {
    kind: 'packages',
    packages: [{ type: 'pypi', name, version, ...(license && license !== 'UNKNOWN' && !license.includes('\n') ? { licenses: [license] } : {}) }],
  };
}
