import type { Artifact, FoundPackage } from '../artifacts.js';

/** node_modules/<name>/package.json or node_modules/@scope/<name>/package.json. */
export function parsePackageJson(text: string): Artifact | undefined {
  const doc = JSON.parse(text) as { name?: unknown; version?: unknown; license?: unknown };
  if (typeof doc.name !== 'string' || typeof doc.version !== 'string' || !doc.name || !doc.version) return undefined;
  return { kind: 'packages', packages: [npmPackage(doc.name, doc.version, doc.license)] };
}

interface LockPackage {
  name?: string;
  version?: string;
  dev?: boolean;
  link?: boolean;
  license?: unknown;
  dependencies?: Record<string, LockPackage>;
}

/**
 * package-lock.json (v1 nested `dependencies`, v2/v3 flat `packages`). Development-only packages
 * and workspace links are left out: they are not installed in a production image's tree.
 */
export function parsePackageLock(text: string): Artifact | undefined {
  const doc = JSON.parse(text) as { packages?: Record<string, LockPackage>; dependencies?: Record<string, LockPackage> };
  const found: FoundPackage[] = [];
  if (doc.packages && typeof doc.packages === 'object') {
    for (const [key, p] of Object.entries(doc.packages)) {
      if (!key || !p || p.dev || p.link || typeof p.version !== 'string') continue;
      const name = p.name ?? key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
      if (name && key.includes('node_modules/')) found.push(npmPackage(name, p.version, p.license));
    }
  } else if (doc.dependencies && typeof doc.dependencies === 'object') {
    const walk = (deps: Record<string, LockPackage>): void => {
      for (const [name, p] of Object.entries(deps)) {
        if (!p || p.dev || typeof p.version !== 'string') continue;
        // v1 records aliases and git/file deps with non-version "version" values.
        if (/^\d/.test(p.version)) found.push(npmPackage(name, p.version, p.license));
        if (p.dependencies) walk(p.dependencies);
      }
    };
    walk(doc.dependencies);
  }
  return found.length ? { kind: 'packages', packages: found } : undefined;
}

function npmPackage(name: string, version: string, license: unknown): FoundPackage {
  return { type: 'npm', name, version, ...(typeof license === 'string' && license ? { licenses: [license] } : {}) };
}
