import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The repository root (this file is test/support/paths.ts). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The launcher the tests run, exactly as a user would: node bin/berth.js serve … */
export const BERTH_BIN = join(REPO_ROOT, 'bin', 'berth.js');
