/**
 * RFC 822-style stanzas as dpkg status files, Python METADATA and JAR manifests write them:
 * "Key: value" lines, continuation lines starting with whitespace, stanzas split by blank lines.
 */
export function parseStanzas(text: string): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  let current: Record<string, string> = {};
  let lastKey: string | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') {
      if (Object.keys(current).length) out.push(current);
      current = {};
      lastKey = undefined;
      continue;
    }
    if ((line[0] === ' ' || line[0] === '\t') && lastKey) {
      current[lastKey] += `\n${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    lastKey = line.slice(0, colon).trim();
    // First occurrence wins (METADATA repeats keys such as Classifier).
    if (!(lastKey in current)) current[lastKey] = line.slice(colon + 1).trim();
  }
  if (Object.keys(current).length) out.push(current);
  return out;
}

/** Only the first stanza (headers of a METADATA / PKG-INFO file, whose body follows a blank line). */
export function parseHeaderStanza(text: string): Record<string, string> {
  const end = text.search(/\r?\n\r?\n/);
  return parseStanzas(end < 0 ? text : text.slice(0, end))[0] ?? {};
}
