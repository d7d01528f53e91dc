import { defineConfig } from 'vitest/config';

// Unit and in-process tests run in parallel forks; e2e tests with real clients (docker, skopeo,
// podman, aws) share one dockerd and run one file at a time; engine tests run against the private
// Ceph RGW (S3) and PostgreSQL their global setup starts once per run (test/engines/). e2e files
// under test/e2e/engines/ get the same engines (test/e2e/harness/engines-setup.ts): one RGW and
// one PostgreSQL for both projects.
const ENGINE_TESTS = ['test/engines/**/*.test.ts', 'test/storage/s3/**/*.test.ts', 'test/**/postgres/**/*.test.ts'];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/e2e/**', ...ENGINE_TESTS],
          pool: 'forks',
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'engines',
          include: ENGINE_TESTS,
          pool: 'forks',
          testTimeout: 300_000,
          hookTimeout: 300_000,
          globalSetup: ['test/engines/global-setup.ts'],
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
          globalSetup: ['test/e2e/harness/global-setup.ts', 'test/e2e/harness/engines-setup.ts'],
        },
      },
    ],
  },
});
