import { ecosystemBase } from '../versions/ecosystem.js';

/**
 * Package names as the database indexes them. PyPI names compare after PEP 503 normalisation
 * ("Jinja2" = "jinja2", "zope.interface" = "zope-interface"); other ecosystems compare exactly.
 */
export function normalizePackageName(ecosystem: string, name: string): string {
  if (ecosystemBase(ecosystem) === 'PyPI') return name.toLowerCase().replace(/[-_.]+/g, '-');
  return name;
}
