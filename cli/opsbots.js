#!/usr/bin/env node
// The `opsbots` command: runs the compiled bundle dist/cli.js (`npm run build`; `npm ci` builds it).
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const bundle = join(__dirname, '..', 'dist', 'cli.js');
if (!existsSync(bundle)) {
  console.error(`opsbots: ${bundle} is missing: run \`npm run build\` (npm ci runs it)`);
  process.exitCode = 3;
} else {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  require(bundle)
    .main(process.argv)
    .then((code) => {
      process.exitCode = code;
      // Every timer and socket of opsbots is closed by now, but the AWS SDK leaves the timer of a retry
      // pause pending when a deadline aborts the call (up to its backoff): end once the output is out.
      process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
    });
}
