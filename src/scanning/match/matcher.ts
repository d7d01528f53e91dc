import type { Logger } from '../../util/logger.js';
import { matchAffected } from '../osv/range.js';
import { normalizePackageName, type OsvAffected } from '../../domain/osv.js';
import type { Finding, Inventory, Severity } from '../types.js';
import { comparatorForEcosystem, InvalidVersionError } from '../versions/index.js';
import { packageKeyString, type PackageKey, type VulnDbStore } from '../../metadata/vulndb-store.js';
import { toFinding } from './finding.js';
import { planQuery, type PackageQuery } from './queries.js';

export interface MatchOptions {
  log?: Pick<Logger, 'debug'>;
  /** Called for packages that could not be matched at all (unknown distro, unorderable version). */
  onSkipped?: (skipped: { name: string; version: string; type: string; reason: string }) => void;
}

/**
 * Matches an inventory (freshly scanned or read back from its stored SBOM) against the database:
 * one batched index lookup for all packages, then OSV range evaluation per affected entry.
 * One finding per (package, advisory id), whichever sources carry the advisory.
 */
export async function matchInventory(inventory: Inventory, store: VulnDbStore, options: MatchOptions = {}): Promise<Finding[]> {
  const skip = (q: { name: string; version: string; type: string }, reason: string): void => {
    options.onSkipped?.({ ...q, reason });
    options.log?.debug({ package: q.name, version: q.version, reason }, 'package not matched');
  };
  const queries: PackageQuery[] = [];
  for (const pkg of inventory.packages) {
    const plan = planQuery(pkg, inventory.os);
    if ('skip' in plan) skip(pkg, plan.skip);
    else queries.push(plan.query);
  }
  const keys = new Map<string, PackageKey>();
  for (const q of queries) for (const k of q.keys) keys.set(packageKeyString(k), k);
  const hits = await store.advisoriesFor([...keys.values()]);

  const findings: Finding[] = [];
  for (const q of queries) {
    const seen = new Set<string>();
    for (const key of q.keys) {
      for (const record of hits.get(packageKeyString(key)) ?? []) {
        if (seen.has(record.id)) continue;
        for (const affected of record.affected ?? []) {
          if (!appliesTo(affected, key)) continue;
          const ecosystem = affected.package!.ecosystem;
          const cmp = comparatorForEcosystem(ecosystem);
          if (!cmp) continue;
          let m;
          try {
            m = matchAffected(q.version, affected, cmp);
          } catch (err) {
            if (!(err instanceof InvalidVersionError)) throw err;
            skip({ name: q.name, version: q.version, type: q.pkg.type }, `${err.message} (advisory ${record.id})`);
            continue;
          }
          if (!m) continue;
          seen.add(record.id);
          findings.push(toFinding(q, ecosystem, record, affected, m.fixedVersion));
          break;
        }
      }
    }
  }
  return findings.sort(compareFindings);
}

function appliesTo(affected: OsvAffected, key: PackageKey): boolean {
  const p = affected.package;
  if (!p) return false;
  const ecosystemOk = key.ecosystemPrefix ? p.ecosystem.startsWith(key.ecosystem) : p.ecosystem === key.ecosystem;
  return ecosystemOk && normalizePackageName(p.ecosystem, p.name) === normalizePackageName(p.ecosystem, key.name);
}

const RANK: Record<Severity, number> = { CRITICAL: 0, HIGH: 1, MEDIUM: 2, LOW: 3, INFORMATIONAL: 4, UNDEFINED: 5 };

function compareFindings(a: Finding, b: Finding): number {
  return (
    RANK[a.severity] - RANK[b.severity] ||
    cmp(a.packageName, b.packageName) ||
    cmp(a.packageVersion, b.packageVersion) ||
    cmp(a.arch ?? '', b.arch ?? '') ||
    cmp(a.vulnerabilityId, b.vulnerabilityId)
  );
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
