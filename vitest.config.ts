import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Generous: several test files load the whole content folder at once on a two-core machine.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
