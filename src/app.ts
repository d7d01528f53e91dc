/**
 * The composition root's entry point (see src/app/: core.ts opens what every process shares,
 * modules/ creates the feature modules, build.ts registers what they contribute and mounts the
 * adapters).
 */
export { buildApp, type BerthApp, type BuildOptions } from './app/build.js';
