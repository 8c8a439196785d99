/**
 * Jest with @swc/jest: tests are transformed without type-checking (run `npm run typecheck`
 * for that). @middy/* and mime ship ESM only, so they are compiled too (@middy mapped to their files).
 */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(t|j|mj)s$': [
      '@swc/jest',
      { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!(@middy|mime)/)'],
  moduleNameMapper: {
    '^@middy/core$': '<rootDir>/node_modules/@middy/core/index.js',
    '^@middy/util$': '<rootDir>/node_modules/@middy/util/index.js',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  globalSetup: '<rootDir>/tests/support/global-setup.ts',
  setupFiles: ['<rootDir>/tests/support/env-setup.ts'],
  testTimeout: 60000,
};
