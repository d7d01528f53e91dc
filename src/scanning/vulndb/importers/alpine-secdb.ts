import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, relative } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { OsvAffected, OsvRecord } from '../../../domain/osv.js';
import { compareApkVersions } from '../../versions/apk.js';
import { MAX_RECORD_FILE_BYTES, newStats, type FeedStats, type ImportFeed } from './feed.js';
import { walkFiles } from './walk.js';

/**
 * Alpine secdb (`v3.X/{main,community}.yaml`: packages[].pkg.{name, secfixes: {fixed: [ids]}})
 * converted to OSV. One record per advisory id ("ALPINE-CVE-2019-14697") with one affected entry
 * per (Alpine:v3.X, origin package): introduced "0", fixed at the secfixes key. A key of "0"
 * means the release was never affected, so it produces no affected entry. The secdb names source
 * packages (apk origins), and carries no dates or severities, so records have neither.
 */
export function alpineSecdbFeed(path: string, isDirectory: boolean): ImportFeed {
  const stats = newStats();
  return { format: 'alpine-secdb', stats, records: convert(path, isDirectory, stats) };
}

/** The secdb has no timestamps; a fixed value keeps re-imports of unchanged data from bumping the version. */
const UNKNOWN_MODIFIED = '1970-01-01T00:00:00Z';

interface SecdbFile {
  distroversion?: unknown;
  packages?: { pkg?: { name?: unknown; secfixes?: Record<string, unknown> } }[];
}

async function* convert(path: string, isDirectory: boolean, stats: FeedStats): AsyncGenerator<OsvRecord> {
  // advisory id → ecosystem\0package → fixed version (lowest wins when listed twice)
  const fixes = new Map<string, { aliases: Set<string>; affected: Map<string, string> }>();
  const files = isDirectory ? walkFiles(path, (n) => /\.ya?ml$/i.test(n)) : single(path);
  for await (const file of files) {
    const label = isDirectory ? relative(path, file) : basename(file);
    stats.files++;
    try {
      if ((await stat(file)).size > MAX_RECORD_FILE_BYTES) throw new Error(`larger than ${MAX_RECORD_FILE_BYTES} bytes`);
      const doc = parseYaml(await readFile(file, 'utf8'), { schema: 'failsafe' }) as SecdbFile | null;
      const ecosystem = alpineEcosystem(doc?.distroversion, file);
      if (!ecosystem || !doc || !('packages' in doc)) throw new Error('not an Alpine secdb file (no distroversion or packages)');
      // "packages:" with nothing under it (a repository without fixes) parses as an empty scalar.
      for (const entry of Array.isArray(doc.packages) ? doc.packages : []) {
        const name = entry?.pkg?.name;
        const secfixes = entry?.pkg?.secfixes;
        if (typeof name !== 'string' || !secfixes || typeof secfixes !== 'object') continue;
        for (const [fixed, ids] of Object.entries(secfixes)) {
          if (!Array.isArray(ids)) continue;
          for (const raw of ids) {
            const tokens = String(raw).trim().split(/\s+/).filter((t) => /^[A-Z][A-Z0-9]*-[\w.-]+$/.test(t));
            if (!tokens.length || fixed === '0') continue;
            const id = tokens[0]!;
            let advisory = fixes.get(id);
            if (!advisory) fixes.set(id, (advisory = { aliases: new Set(), affected: new Map() }));
            for (const t of tokens) advisory.aliases.add(t);
            const key = `${ecosystem}\u0000${name}`;
            const prior = advisory.affected.get(key);
            if (prior === undefined || compareApkVersions(fixed, prior) < 0) advisory.affected.set(key, fixed);
          }
        }
      }
    } catch (err) {
      stats.problems.push({ file: label, message: (err as Error).message });
    }
  }
  for (const id of [...fixes.keys()].sort()) {
    const { aliases, affected } = fixes.get(id)!;
    yield toOsv(id, [...aliases], affected);
  }
}

async function* single(path: string): AsyncGenerator<string> {
  yield path;
}

/** "v3.7" from the file's distroversion, else from its folder name. */
function alpineEcosystem(distroversion: unknown, file: string): string | undefined {
  const candidates = [typeof distroversion === 'string' ? distroversion : '', basename(dirname(file))];
  for (const c of candidates) {
    const m = /^v?(\d+\.\d+)$/.exec(c.trim());
    if (m) return `Alpine:v${m[1]}`;
  }
  return undefined;
}

function toOsv(id: string, aliases: string[], fixes: Map<string, string>): OsvRecord {
  const affected: OsvAffected[] = [...fixes.entries()].sort().map(([key, fixed]) => {
    const [ecosystem, name] = key.split('\u0000') as [string, string];
    return {
      package: { ecosystem, name, purl: `pkg:apk/alpine/${name}` },
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }],
    };
  });
  const cve = aliases.find((a) => a.startsWith('CVE-'));
  return {
    schema_version: '1.6.0',
    id: `ALPINE-${id}`,
    modified: UNKNOWN_MODIFIED,
    aliases: aliases.sort(),
    affected,
    ...(cve ? { references: [{ type: 'ADVISORY', url: `https://security.alpinelinux.org/vuln/${cve}` }] } : {}),
    database_specific: { source: 'alpine-secdb' },
  };
}
