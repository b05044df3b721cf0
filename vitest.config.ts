import {defineConfig} from 'vitest/config';

export default defineConfig({
  test: {
    include: ['runner/src/**/*.test.ts', 'plugins/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**', 'test/gcs-emulator/node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
