import type { Artifact } from '../artifacts.js';
import { parseHeaderStanza } from '../control-file.js';

/** *.dist-info/METADATA, *.egg-info/PKG-INFO or an *.egg-info file: core metadata headers. */
export function parsePythonMetadata(text: string): Artifact | undefined {
  const h = parseHeaderStanza(text);
  const name = h.Name?.trim();
  const version = h.Version?.trim();
  if (!name || !version) return undefined;
  const license = h['License-Expression'] ?? h.License;
  return {
    kind: 'packages',
    packages: [{ type: 'pypi', name, version, ...(license && license !== 'UNKNOWN' && !license.includes('\n') ? { licenses: [license] } : {}) }],
  };
}
