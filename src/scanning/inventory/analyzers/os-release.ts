import type { Artifact } from '../artifacts.js';

/** os-release(5): KEY=value lines, values optionally quoted with shell-style escapes. */
export function parseOsRelease(text: string): Artifact {
  const fields: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Z0-9_]+)=(.*)$/.exec(line);
    if (!m) continue;
    let value = m[2]!.trim();
    const q = value[0];
    if ((q === '"' || q === "'") && value.endsWith(q) && value.length >= 2) {
      value = value.slice(1, -1);
      if (q === '"') value = value.replace(/\\(["\\$`])/g, '$1');
    }
    fields[m[1]!] = value;
  }
  return { kind: 'os-release', fields };
}

export function parseReleaseFile(file: 'debian_version' | 'alpine-release', text: string): Artifact | undefined {
  const value = text.split('\n')[0]!.trim();
  return value ? { kind: 'release-file', file, value } : undefined;
}
