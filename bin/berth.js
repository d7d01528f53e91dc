#!/usr/bin/env node
// Thin launcher: the CLI lives in dist/ (built by `npm run build`).
import('../dist/cli/main.js').then((m) => m.main(process.argv)).catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
