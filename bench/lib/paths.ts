import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The repository root (bench/lib/ is two levels down). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Scratch space for benchmark data, on the same disk as the checkout; gitignored. */
export const WORK_ROOT = join(REPO_ROOT, '.bench-work');
