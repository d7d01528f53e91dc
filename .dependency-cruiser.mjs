/**
 * Berth's layers, enforced (`npm run lint`). Data flows down only: a module may import its own
 * layer and the layers below it, never one above. See docs/architecture.md.
 *
 *   L4 composition  src/cli, src/app.ts, src/app/, src/config
 *   L3 adapters     src/api
 *   L2 services     src/registry, src/iam, src/lifecycle, src/scanning, src/gc, src/events, src/jobs, src/audit, src/metrics
 *   L1 stores       src/metadata, src/storage
 *   L0 domain       src/domain, src/util   (pure: libraries and L0 only)
 *
 * Type-only imports count (tsPreCompilationDeps), so an interface cannot smuggle an upward edge;
 * so do dynamic import()s. Run alone: `npm run lint:layers`.
 */

const L0 = '^src/(domain|util)/';
const L1 = '^src/(metadata|storage)/';
const L2 = '^src/(registry|iam|lifecycle|scanning|gc|events|jobs|audit|metrics)/';
const L3 = '^src/api/';
const L4 = '^src/(cli/|config/|app/|app\\.ts$)';

/** A path pattern matching any of the given layers. */
const anyOf = (...layers) => layers.join('|');

export default {
  forbidden: [
    {
      name: 'domain-imports-up',
      comment: 'L0 (src/domain, src/util) is pure: it may import only libraries and other L0 modules.',
      severity: 'error',
      from: { path: L0 },
      to: { path: anyOf(L1, L2, L3, L4) },
    },
    {
      name: 'store-imports-up',
      comment: 'L1 stores (src/metadata, src/storage) may import only L0 and each other, never services, adapters or composition.',
      severity: 'error',
      from: { path: L1 },
      to: { path: anyOf(L2, L3, L4) },
    },
    {
      name: 'service-imports-adapter',
      comment: 'L2 services may not import the HTTP adapters (src/api): define a transport-neutral port in the service and let the adapter import it.',
      severity: 'error',
      from: { path: L2 },
      to: { path: L3 },
    },
    {
      name: 'imports-composition',
      comment: 'Services and adapters may not import src/config, src/cli or src/app: take an options type of their own; src/app.ts passes the values.',
      severity: 'error',
      from: { path: anyOf(L2, L3) },
      to: { path: L4 },
    },
    {
      name: 'http-below-adapters',
      comment: 'Only adapters and composition know about HTTP (fastify, node:http); domain, stores and services take plain values, streams and the Logger of src/util/logger.ts.',
      severity: 'error',
      from: { path: anyOf(L0, L1, L2) },
      to: { path: '^(node_modules/(fastify|@fastify/|light-my-request)|https?$|http2$)' },
    },
    {
      name: 'src-imports-test-or-bench',
      comment: 'Production code never imports tests, fixtures or benchmarks.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|bench)/' },
    },
    {
      name: 'src-outside-layers',
      comment: 'Every file under src belongs to a layer; a new top-level directory needs a place in .dependency-cruiser.mjs first.',
      severity: 'error',
      from: { path: '^src/', pathNot: anyOf(L0, L1, L2, L3, L4) },
      to: {},
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that does not resolve would make the rules above pass silently.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // Relative imports name the compiled file (`./digest.js`); dependency-cruiser resolves them to
    // the TypeScript source when no .js file exists (not-to-unresolvable proves it does).
    enhancedResolveOptions: {
      extensions: ['.ts', '.js', '.json'],
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types'],
    },
  },
};
