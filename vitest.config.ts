import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// Unit tests import workspace packages from source; e2e tests spawn the built apps.
const alias = {
  '@redstep/core': src('./packages/core/src/index.ts'),
  '@redstep/store': src('./packages/store/src/index.ts'),
};

/** The e2e files the cluster project runs: executions, activities, fan-out, nesting, redrive. */
const CLUSTER_SUITE = [
  'test/e2e/execution-basics.test.ts',
  'test/e2e/executions.test.ts',
  'test/e2e/activities.test.ts',
  'test/e2e/fan-out.test.ts',
  'test/e2e/map-runs.test.ts',
  'test/e2e/nested-executions.test.ts',
  'test/e2e/redrive.test.ts',
  'test/cluster/*.test.ts',
];

export default defineConfig({
  test: {
    projects: [
      {
        resolve: { alias },
        test: { name: 'unit', include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts'] },
      },
      {
        resolve: { alias },
        test: {
          name: 'e2e',
          include: ['test/**/*.test.ts', 'packages/activity-worker/test/*.test.ts'],
          exclude: ['test/cluster/**', 'test/console/**', 'test/durability/**', '**/node_modules/**'],
          testTimeout: 120_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        // A fault between every two Redis calls of a scenario (in-process, against a real Redis).
        resolve: { alias },
        test: {
          name: 'durability',
          include: ['test/durability/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        // The web console in Debian's Chromium, driven by playwright-core, against real processes.
        resolve: { alias },
        test: {
          name: 'console',
          include: ['test/console/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        // The core e2e suite again, against a local Redis Cluster (3 masters, 3 replicas).
        resolve: { alias },
        test: {
          name: 'e2e-cluster',
          include: CLUSTER_SUITE,
          env: { REDSTEP_TEST_TOPOLOGY: 'cluster' },
          testTimeout: 120_000,
          hookTimeout: 90_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
