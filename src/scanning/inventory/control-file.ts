import { FileContentError } from './lines.js';

/**
 * RFC 822-style stanzas as dpkg status files, Python METADATA and JAR manifests write them:
 * "Key: value" lines, continuation lines starting with whitespace, stanzas split by blank lines.
 * Fed line by line; with `wanted`, only those keys are kept (a dpkg Description's continuation
 * lines are dropped as they come), and a stanza larger than `maxStanzaBytes` is refused.
 */
export class StanzaReader {
  private current: Record<string, string> = {};
  private lastKey: string | undefined;
  private bytes = 0;

  constructor(
    private readonly onStanza: (stanza: Record<string, string>) => void,
    private readonly options: { wanted?: ReadonlySet<string>; maxStanzaBytes?: number } = {},
  ) {}

  line(raw: string): void {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') {
      this.end();
      return;
    }
    if (line[0] === ' ' || line[0] === '\t') {
      if (this.lastKey) this.keep(this.lastKey, `${this.current[this.lastKey]}\n${line.trim()}`, line.length);
      return;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) return;
    const key = line.slice(0, colon).trim();
    if (this.options.wanted && !this.options.wanted.has(key)) {
      this.lastKey = undefined;
      return;
    }
    this.lastKey = key;
    // First occurrence wins (METADATA repeats keys such as Classifier).
    if (!(key in this.current)) this.keep(key, line.slice(colon + 1).trim(), line.length);
  }

  /** The end of the input (or of a stanza): hands over the stanza being read, if any. */
  end(): void {
    if (Object.keys(this.current).length) this.onStanza(this.current);
    this.current = {};
    this.lastKey = undefined;
    this.bytes = 0;
  }

  private keep(key: string, value: string, added: number): void {
    this.bytes += added;
    const max = this.options.maxStanzaBytes;
    if (max !== undefined && this.bytes > max) throw new FileContentError(`has a record larger than ${max} bytes`);
    this.current[key] = value;
  }
}

export function parseStanzas(text: string): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  const reader = new StanzaReader((s) => out.push(s));
  for (const line of text.split('\n')) reader.line(line);
  reader.end();
  return out;
}
