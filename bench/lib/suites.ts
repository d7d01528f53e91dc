import { readdirSync } from 'node:fs';
import type { Suite } from './types.js';

const SUITES_DIR = new URL('../suites/', import.meta.url);

/** Every bench/suites/*.ts file's default export, by name. Adding a suite is adding a file there. */
export async function loadSuites(): Promise<Suite[]> {
  const files = readdirSync(SUITES_DIR)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .sort();
  const suites: Suite[] = [];
  for (const file of files) {
    const module = (await import(new URL(file, SUITES_DIR).href)) as { default?: Suite };
    const suite = module.default;
    if (!suite || typeof suite.name !== 'string' || typeof suite.run !== 'function') {
      throw new Error(`bench/suites/${file} must export default a Suite ({ name, description, run })`);
    }
    suites.push(suite);
  }
  return suites;
}
