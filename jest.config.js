// Four projects: fast unit tests beside the code; medium suites that call the
// application services on a real database without any transport; e2e suites that boot the real
// app against MariaDB (and Redis); and the suites whose behaviour must be the same
// on the embedded topology (SQLite, development issuer, no configuration), run a
// second time there. NestJS 12 ships ESM only, so SWC also transforms those
// packages to CommonJS for Jest's module system.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];
const esmPackages = ['@nestjs', '@fastify/static', 'content-disposition', '@zitadel/proto', '@zitadel/node', '@bufbuild', 'file-type', 'strtok3', 'token-types', '@tokenizer', 'uint8array-extras', '@borewit', 'load-esm', 'jose', 'p-limit', 'yocto-queue'];
const shared = {
  transform: { '^.+\\.(t|j|mj)s$': swc },
  transformIgnorePatterns: [`/node_modules/(?!(${esmPackages.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  testEnvironment: 'node',
};
module.exports = {
  // Per project it is ignored by Jest 30: e2e suites boot whole applications.
  testTimeout: 30000,
  // Jest's default on 2 cores is one worker, i.e. every suite in series. The e2e
  // suites mostly wait on MariaDB, Redis and sockets, and each owns its database
  // and queue prefix, so two run side by side.
  maxWorkers: 2,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      testTimeout: 30000,
    },
    {
      ...shared,
      // The application services called directly (no HTTP, no gRPC) on a real
      // database of their own: each rule tested once, where it lives.
      displayName: 'medium',
      testMatch: ['<rootDir>/test/medium/**/*.medium-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup-medium.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      testTimeout: 30000,
    },
    {
      ...shared,
      displayName: 'e2e-embedded',
      // Add a suite here when the embedded topology must behave exactly like MySQL for it.
      // Users and notifications: the same API, delivery and limits on SQLite with the
      // in-process queue (notifications-delivery brings its own REDIS_URL: SQLite with
      // BullMQ); the Redis outage and worker-process suites stay MySQL-only.
      testMatch: [
        '<rootDir>/test/sms-providers.e2e-spec.ts',
        '<rootDir>/test/user-schemas.e2e-spec.ts',
        '<rootDir>/test/users.e2e-spec.ts',
        '<rootDir>/test/user-contacts.e2e-spec.ts',
        '<rootDir>/test/user-permissions.e2e-spec.ts',
        '<rootDir>/test/notifications-limits.e2e-spec.ts',
        '<rootDir>/test/notifications-delivery.e2e-spec.ts',
        '<rootDir>/test/notifications-api.e2e-spec.ts',
      ],
      globals: { TEST_TOPOLOGY: 'embedded' },
      globalSetup: '<rootDir>/test/support/global-setup-embedded.ts',
      testTimeout: 30000,
    },
  ],
};
