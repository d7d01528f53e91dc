import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');

/** Modules reached from `entry` through static value imports and re-exports (not `import type`, not import()). */
function staticGraph(entry: string): Map<string, string> {
  const parents = new Map<string, string>([[entry, '']]);
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.shift()!;
    const source = readFileSync(join(SRC, file), 'utf8');
    for (const match of source.matchAll(/^(?:import|export) (?!type )[^;]*? from '(\.[^']+)'/gms)) {
      const target = normalize(join(dirname(file), match[1]!)).replace(/\.js$/, '.ts');
      if (!parents.has(target) && existsSync(join(SRC, target))) {
        parents.set(target, file);
        queue.push(target);
      }
    }
  }
  return parents;
}

function chain(parents: Map<string, string>, file: string): string {
  const path = [file];
  for (let at = parents.get(file); at; at = parents.get(at)) path.unshift(at);
  return path.join(' -> ');
}

describe('the server loads the scan pipeline only when a scan runs', () => {
  // Layer readers, analyzers, matchers, SBOM and version libraries: ~12 MB resident once loaded.
  const pipeline = [
    'scanning/inventory/scan-layers.ts',
    'scanning/match/matcher.ts',
    'scanning/sbom/cyclonedx.ts',
    'scanning/versions/index.ts',
    'scanning/osv/cvss.ts',
    'scanning/layers/zstd.ts',
  ];

  it('does not import it statically from the app', () => {
    const graph = staticGraph('app.ts');
    expect(graph.size).toBeGreaterThan(50);
    expect(graph.has('scanning/service/index.ts')).toBe(true);
    for (const module of pipeline) {
      expect(existsSync(join(SRC, module)), module).toBe(true);
      expect(graph.has(module) ? chain(graph, module) : undefined, relative(SRC, join(SRC, module))).toBeUndefined();
    }
  });
});
