/**
 * The OSV schema (https://ossf.github.io/osv-schema/), the canonical form of every advisory in the
 * vulnerability database, and the naming rules the database indexes packages by. Only the fields
 * Berth reads are typed; records keep everything else.
 */
export interface OsvEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}

export interface OsvRange {
  type: 'ECOSYSTEM' | 'SEMVER' | 'GIT' | string;
  repo?: string;
  events: OsvEvent[];
  database_specific?: Record<string, unknown>;
}

export interface OsvSeverity {
  type: 'CVSS_V2' | 'CVSS_V3' | 'CVSS_V4' | 'Ubuntu' | string;
  score: string;
}

export interface OsvAffected {
  package?: { ecosystem: string; name: string; purl?: string };
  severity?: OsvSeverity[];
  ranges?: OsvRange[];
  versions?: string[];
  ecosystem_specific?: Record<string, unknown>;
  database_specific?: Record<string, unknown>;
}

export interface OsvReference {
  type: string;
  url: string;
}

export interface OsvRecord {
  schema_version?: string;
  id: string;
  modified: string;
  published?: string;
  withdrawn?: string;
  aliases?: string[];
  related?: string[];
  summary?: string;
  details?: string;
  severity?: OsvSeverity[];
  affected?: OsvAffected[];
  references?: OsvReference[];
  database_specific?: Record<string, unknown>;
}

/** Checks the shape a record must have for Berth to index and match it; returns why not, or null. */
export function osvShapeError(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const r = value as Record<string, unknown>;
  if (typeof r.id !== 'string' || r.id === '') return "missing string field 'id'";
  if (r.modified !== undefined && typeof r.modified !== 'string') return "field 'modified' is not a string";
  if (r.affected !== undefined) {
    if (!Array.isArray(r.affected)) return "field 'affected' is not an array";
    for (const a of r.affected as unknown[]) {
      if (typeof a !== 'object' || a === null) return "an 'affected' entry is not an object";
      const pkg = (a as Record<string, unknown>).package as Record<string, unknown> | undefined;
      if (pkg !== undefined && (typeof pkg.ecosystem !== 'string' || typeof pkg.name !== 'string')) {
        return "an 'affected' package lacks a string ecosystem or name";
      }
      const ranges = (a as Record<string, unknown>).ranges;
      if (ranges !== undefined && !Array.isArray(ranges)) return "an 'affected' entry has non-array 'ranges'";
      for (const range of (ranges as unknown[] | undefined) ?? []) {
        if (!Array.isArray((range as Record<string, unknown> | null)?.events)) return "a range lacks an 'events' array";
      }
    }
  }
  return null;
}

/**
 * An OSV ecosystem's base name: the part before the first ':' ("Debian:12" → "Debian",
 * "Red Hat:enterprise_linux:9::appstream" → "Red Hat").
 */
export function ecosystemBase(ecosystem: string): string {
  const colon = ecosystem.indexOf(':');
  return colon < 0 ? ecosystem : ecosystem.slice(0, colon);
}

/**
 * Package names as the database indexes them. PyPI names compare after PEP 503 normalisation
 * ("Jinja2" = "jinja2", "zope.interface" = "zope-interface"); other ecosystems compare exactly.
 */
export function normalizePackageName(ecosystem: string, name: string): string {
  if (ecosystemBase(ecosystem) === 'PyPI') return name.toLowerCase().replace(/[-_.]+/g, '-');
  return name;
}
