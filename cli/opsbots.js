#!/usr/bin/env node
// The `opsbots` command. TypeScript sources run through tsx, so the CLI and the Lambdas share shared/ as-is.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
require('tsx/cjs/api').register();
require('./main.ts')
  .main(process.argv)
  .then((code) => {
    process.exitCode = code;
  });
