import Database from 'better-sqlite3';
import type { Artifact, RpmPackage } from '../artifacts.js';
import { parseRpmHeader, TAG, type HeaderValue } from './rpm-header.js';

/**
 * The SQLite rpmdb (rpm ≥ 4.16: Fedora 33+, RHEL 9, Rocky/Alma 9): table Packages(hnum, blob)
 * holding one header blob per installed package. Opened from memory (better-sqlite3 deserialises
 * the bytes), never written to disk.
 */
export function parseRpmSqlite(bytes: Buffer): Artifact {
  const db = new Database(asRollbackJournal(bytes), { readonly: true });
  try {
    const rows = db.prepare<[], { blob: Buffer }>('SELECT blob FROM Packages').all();
    const packages: RpmPackage[] = [];
    for (const { blob } of rows) {
      const pkg = toPackage(parseRpmHeader(blob));
      if (pkg) packages.push(pkg);
    }
    return { kind: 'rpm-db', packages };
  } finally {
    db.close();
  }
}

const str = (v: HeaderValue | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

function toPackage(h: Map<number, HeaderValue>): RpmPackage | undefined {
  const name = str(h.get(TAG.NAME));
  const version = str(h.get(TAG.VERSION));
  const release = str(h.get(TAG.RELEASE));
  // gpg-pubkey entries are imported signing keys, not software.
  if (!name || !version || name === 'gpg-pubkey') return undefined;
  const epoch = h.get(TAG.EPOCH);
  const e = Array.isArray(epoch) && typeof epoch[0] === 'number' ? epoch[0] : undefined;
  const evr = `${e ? `${e}:` : ''}${version}${release ? `-${release}` : ''}`;
  const pkg: RpmPackage = { name, version: evr, files: fileList(h) };
  const arch = str(h.get(TAG.ARCH));
  if (arch) pkg.arch = arch;
  const license = str(h.get(TAG.LICENSE));
  if (license) pkg.license = license;
  const srpm = parseSourceRpm(str(h.get(TAG.SOURCERPM)));
  if (srpm) pkg.source = srpm;
  return pkg;
}

/** "openssl-3.0.7-24.el9.src.rpm" → { name: "openssl", version: "3.0.7-24.el9" }. */
export function parseSourceRpm(file: string | undefined): { name: string; version: string } | undefined {
  const m = /^(.+)-([^-]+)-([^-]+)\.(?:no)?src\.rpm$/.exec(file ?? '');
  return m ? { name: m[1]!, version: `${m[2]}-${m[3]}` } : undefined;
}

function fileList(h: Map<number, HeaderValue>): string[] {
  const base = h.get(TAG.BASENAMES);
  const dirs = h.get(TAG.DIRNAMES);
  const idx = h.get(TAG.DIRINDEXES);
  if (!Array.isArray(base) || !Array.isArray(dirs) || !Array.isArray(idx)) return [];
  const out: string[] = [];
  for (let i = 0; i < base.length; i++) {
    const dir = dirs[idx[i] as number];
    if (typeof dir === 'string') out.push(`${dir}${base[i]}`.replace(/^\/+/, ''));
  }
  return out;
}

/**
 * rpm keeps its database in WAL mode (header bytes 18–19 = 2), which SQLite cannot open from
 * memory; marking the copy as rollback-journal (1) makes the main file readable as it stands.
 * Transactions still sitting in an rpmdb.sqlite-wal file are not seen (rpm checkpoints on exit).
 */
function asRollbackJournal(bytes: Buffer): Buffer {
  if (bytes.length < 100 || bytes.toString('latin1', 0, 16) !== 'SQLite format 3\0') throw new Error('not an SQLite database');
  if (bytes[18] !== 2 && bytes[19] !== 2) return bytes;
  const copy = Buffer.from(bytes);
  copy[18] = 1;
  copy[19] = 1;
  return copy;
}
