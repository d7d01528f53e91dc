import type { ApkPackage, Artifact } from '../artifacts.js';
import type { LineSink } from '../lines.js';
import { ENTRY_BYTES, PACKAGE_BYTES, type Retain } from '../retained.js';

/**
 * lib/apk/db/installed, line by line: one stanza per package of single-letter fields (P name,
 * V version, A arch, o origin, L license); F: names a directory and each following R: a file in it.
 */
export function apkInstalledReader(retain: Retain): LineSink<Artifact> {
  const packages: ApkPackage[] = [];
  let cur: ApkPackage | undefined;
  let dir = '';
  const flush = (): void => {
    if (cur?.name && cur.version) {
      retain(PACKAGE_BYTES + cur.name.length + cur.version.length + (cur.arch?.length ?? 0) + (cur.origin?.length ?? 0) + (cur.license?.length ?? 0));
      packages.push(cur);
    }
    cur = undefined;
    dir = '';
  };
  const file = (path: string): void => {
    retain(ENTRY_BYTES + path.length);
    cur!.files.push(path);
  };
  return {
    line: (raw) => {
      const line = raw.trimEnd();
      if (line === '') {
        flush();
        return;
      }
      if (line[1] !== ':') return;
      cur ??= { name: '', version: '', files: [] };
      const value = line.slice(2);
      switch (line[0]) {
        case 'P':
          cur.name = value;
          break;
        case 'V':
          cur.version = value;
          break;
        case 'A':
          cur.arch = value;
          break;
        case 'o':
          cur.origin = value;
          break;
        case 'L':
          cur.license = value;
          break;
        case 'F':
          dir = value.replace(/^\/+|\/+$/g, '');
          if (dir) file(dir);
          break;
        case 'R':
          file(dir ? `${dir}/${value}` : value);
          break;
      }
    },
    end: () => {
      flush();
      return { kind: 'apk-db', packages };
    },
  };
}
