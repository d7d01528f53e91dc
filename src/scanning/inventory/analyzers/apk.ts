import type { ApkPackage, Artifact } from '../artifacts.js';

/**
 * lib/apk/db/installed: one stanza per package of single-letter fields (P name, V version,
 * A arch, o origin, L license); F: names a directory and each following R: a file in it.
 */
export function parseApkInstalled(text: string): Artifact {
  const packages: ApkPackage[] = [];
  let cur: ApkPackage | undefined;
  let dir = '';
  const flush = (): void => {
    if (cur?.name && cur.version) packages.push(cur);
    cur = undefined;
    dir = '';
  };
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    if (line === '') {
      flush();
      continue;
    }
    if (line[1] !== ':') continue;
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
        if (dir) cur.files.push(dir);
        break;
      case 'R':
        cur.files.push(dir ? `${dir}/${value}` : value);
        break;
    }
  }
  flush();
  return { kind: 'apk-db', packages };
}
