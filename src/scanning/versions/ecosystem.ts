/**
 * An OSV ecosystem's base name: the part before the first ':' ("Debian:12" → "Debian",
 * "Red Hat:enterprise_linux:9::appstream" → "Red Hat"). Apart from the comparators, so that
 * naming rules (osv/names.ts, used by the vulnerability store) do not load them.
 */
export function ecosystemBase(ecosystem: string): string {
  const colon = ecosystem.indexOf(':');
  return colon < 0 ? ecosystem : ecosystem.slice(0, colon);
}
