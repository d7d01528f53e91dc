#!/usr/bin/env node
// Thin launcher: the CLI lives in dist/ (built by `npm run build`, or by `npm start` when needed).
import { fileURLToPath } from 'node:url';

import('../dist/cli/main.js').then((m) => m.main(process.argv)).catch((err) => {
  if (err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/cli/main.js')) {
    const root = fileURLToPath(new globalThis.URL('..', import.meta.url));
    console.error(`berth is not built yet: run \`npm run build\` (or \`npm start\`) in ${root} first`);
  } else {
    console.error(err instanceof Error ? err.message : err);
  }
  process.exit(1);
});
