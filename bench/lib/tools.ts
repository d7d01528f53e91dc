import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Where each external tool comes from, for the error message when it is missing. */
const SOURCES: Record<string, string> = {
  'docker-registry': 'apt-get install docker-registry   (CNCF distribution 2.8, the baseline)',
  wrk: 'apt-get install wrk',
  curl: 'apt-get install curl',
  python3: 'apt-get install python3',
};

/** The absolute path of an executable, or an error that says how to install it. */
export function requireTool(name: string, preferred?: string): string {
  const candidates = [
    ...(preferred ? [preferred] : []),
    ...(process.env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, name)),
  ];
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // try the next one
    }
  }
  throw new Error(`${name} is required for this benchmark but was not found; install it with: ${SOURCES[name] ?? name}`);
}
