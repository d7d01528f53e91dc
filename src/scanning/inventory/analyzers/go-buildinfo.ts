import type { FoundPackage } from '../artifacts.js';

/**
 * Go build information (debug/buildinfo). Since Go 1.18 the linker writes a 32-byte header —
 * "\xff Go buildinf:", pointer size, flags — 16-byte aligned in the data segment, followed (flag
 * bit 2) by two uvarint-length-prefixed strings: the Go version and the module info, the latter
 * wrapped in 16-byte sentinels and holding "path/mod/dep/=>/build" lines. Older binaries store
 * pointers instead and are reported as unreadable.
 */
export const BUILDINFO_MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
const HEADER_SIZE = 32;
const FLAG_INLINE = 0x2;

export interface GoBuildInfo {
  goVersion: string;
  path?: string;
  main?: { path: string; version: string };
  deps: { path: string; version: string }[];
}

export type BuildInfoParse = { status: 'ok'; info: GoBuildInfo } | { status: 'need-more' } | { status: 'unsupported'; reason: string };

/** A plausible header at `buf[0]`: pointer size 4 or 8 and known flag bits. */
export function isBuildInfoHeader(buf: Buffer): boolean {
  return buf.length >= 16 && buf.subarray(0, 14).equals(BUILDINFO_MAGIC) && (buf[14] === 4 || buf[14] === 8) && (buf[15]! & ~0x3) === 0;
}

/** Parses a header plus inline strings starting at `buf[0]`. */
export function parseBuildInfo(buf: Buffer): BuildInfoParse {
  if (buf.length < HEADER_SIZE) return { status: 'need-more' };
  if (!(buf[15]! & FLAG_INLINE)) return { status: 'unsupported', reason: 'built before Go 1.18 (pointer-based build info)' };
  let pos = HEADER_SIZE;
  const strings: string[] = [];
  for (let i = 0; i < 2; i++) {
    const len = readUvarint(buf, pos);
    if (!len) return { status: 'need-more' };
    if (len.value > 16 * 1024 * 1024) return { status: 'unsupported', reason: 'implausible build info length' };
    pos = len.next;
    if (buf.length < pos + len.value) return { status: 'need-more' };
    strings.push(buf.toString('utf8', pos, pos + len.value));
    pos += len.value;
  }
  const [goVersion, rawMod] = strings as [string, string];
  const mod = rawMod.length >= 33 && rawMod[rawMod.length - 17] === '\n' ? rawMod.slice(16, -16) : rawMod;
  return { status: 'ok', info: { goVersion, ...parseModInfo(mod) } };
}

function readUvarint(buf: Buffer, at: number): { value: number; next: number } | undefined {
  let value = 0;
  let shift = 0;
  for (let i = at; i < buf.length && i < at + 10; i++) {
    const b = buf[i]!;
    value += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return { value, next: i + 1 };
    shift += 7;
  }
  return undefined;
}

export function parseModInfo(text: string): Omit<GoBuildInfo, 'goVersion'> {
  const out: Omit<GoBuildInfo, 'goVersion'> = { deps: [] };
  let last: { path: string; version: string } | undefined;
  for (const line of text.split('\n')) {
    const f = line.split('\t');
    if (f[0] === 'path' && f[1]) out.path = f[1];
    else if ((f[0] === 'mod' || f[0] === 'dep') && f[1]) {
      last = { path: f[1], version: f[2] ?? '' };
      if (f[0] === 'mod') out.main = last;
      else out.deps.push(last);
    } else if (f[0] === '=>' && f[1] && last) {
      // A replace directive: the code actually built is the replacement.
      last.path = f[1];
      last.version = f[2] ?? '';
    }
  }
  return out;
}

/** Inventory packages for a binary: the toolchain's standard library, the main module, its dependencies. */
export function goPackages(info: GoBuildInfo): FoundPackage[] {
  const out: FoundPackage[] = [];
  const std = /^go(\d+(?:\.\d+){0,2}(?:(?:rc|beta)\d+)?)(?:\s|$)/.exec(info.goVersion);
  if (std) out.push({ type: 'golang', name: 'stdlib', version: `v${std[1]}` });
  // A main module built from a checkout reports "(devel)": it has no version to match.
  if (info.main && /^v\d/.test(info.main.version)) out.push({ type: 'golang', name: info.main.path, version: info.main.version });
  for (const d of info.deps) if (d.version) out.push({ type: 'golang', name: d.path, version: d.version });
  return out;
}
