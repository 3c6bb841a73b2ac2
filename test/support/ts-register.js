// Lets a child process run the TypeScript sources directly (the e2e suites start
// worker processes this way): `node -r ./test/support/ts-register.js src/worker.ts`.
// Same SWC settings as Jest, so no build step is needed.
const { transformSync } = require('@swc/core');
const fs = require('node:fs');

const options = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};

require.extensions['.ts'] = function compileTypeScript(module, filename) {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), { ...options, filename });
  module._compile(code, filename);
};
