import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql ships CJS and ESM builds; Nest (CJS) loads the CJS one, so our code must too, or
    // scalars and types fail instanceof checks across the two copies (dual-package hazard).
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Tests start their own loopback servers on ephemeral ports, so files may run in parallel.
    fileParallelism: true,
    maxWorkers: 2,
  },
});
