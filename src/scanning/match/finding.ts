import { resolveSeverity } from '../osv/severity.js';
import type { OsvAffected, OsvRecord } from '../../domain/osv.js';
import type { Finding } from '../types.js';
import type { PackageQuery } from './queries.js';

/** A finding for one package and one advisory, with everything the ECR finding shapes need. */
export function toFinding(query: PackageQuery, ecosystem: string, record: OsvRecord, affected: OsvAffected, fixedVersion: string | undefined): Finding {
  const { pkg } = query;
  const severity = resolveSeverity(record, affected);
  const aliases = [...new Set(record.aliases ?? [])];
  const cveId = /^CVE-\d{4}-\d+$/.test(record.id) ? record.id : aliases.find((a) => /^CVE-\d{4}-\d+$/.test(a));
  const references = [...new Set((record.references ?? []).map((r) => r.url).filter((u): u is string => typeof u === 'string'))];
  const advisory = record.references?.find((r) => r.type === 'ADVISORY')?.url;
  const dbUrl = typeof record.database_specific?.url === 'string' ? record.database_specific.url : undefined;
  const uri = advisory ?? dbUrl ?? references[0];
  return {
    packageName: pkg.type === 'maven' && pkg.namespace ? `${pkg.namespace}:${pkg.name}` : pkg.name,
    packageVersion: pkg.version,
    packageType: pkg.type,
    ecosystem,
    ...(query.bySource ? { sourcePackage: query.name, sourceVersion: query.version } : {}),
    ...(pkg.arch ? { arch: pkg.arch } : {}),
    vulnerabilityId: record.id,
    aliases,
    ...(cveId ? { cveId } : {}),
    severity: severity.severity,
    severitySource: severity.source,
    ...(severity.cvss ? { cvss: severity.cvss } : {}),
    ...(fixedVersion ? { fixedVersion } : {}),
    ...(record.summary ? { summary: record.summary } : {}),
    ...(record.details || record.summary ? { description: record.details ?? record.summary } : {}),
    ...(uri ? { uri } : {}),
    ...(record.published ? { published: record.published } : {}),
    ...(record.modified ? { modified: record.modified } : {}),
    references,
    locations: pkg.locations,
  };
}
