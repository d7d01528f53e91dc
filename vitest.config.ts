import { defineConfig } from 'vitest/config';

// Unit and in-process tests run in parallel forks; e2e tests with real clients (docker, skopeo,
// podman, aws) share one dockerd and run one file at a time.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/e2e/**'],
          pool: 'forks',
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          pool: 'forks',
          fileParallelism: false,
          testTimeout: 600_000,
          hookTimeout: 600_000,
          globalSetup: ['test/e2e/harness/global-setup.ts'],
        },
      },
    ],
  },
});
