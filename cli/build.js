// Compiles the `opsbots` command into one CommonJS bundle, dist/cli.js, so the CLI starts without compiling
// TypeScript. npm runs it on `npm ci` (the `prepare` script) and the test suite runs it before jest starts.
// Subcommands are `await import(...)`ed inside their actions: esbuild keeps such modules behind lazy
// initialisers, so `opsbots --help` evaluates little more than commander.
const { build } = require('esbuild');
const { join } = require('node:path');

const ROOT = join(__dirname, '..');

/** Builds dist/cli.js (and its source map); resolves to esbuild's metafile. */
async function buildCli() {
  const result = await build({
    entryPoints: { cli: join(ROOT, 'cli', 'main.ts') },
    outdir: join(ROOT, 'dist'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // The SDK stays in node_modules: only the clients a subcommand uses are loaded, and bundling them made
    // the bundle 6 MB for `--help` to read. The local SES server and the browser are test/demo tools.
    external: ['@aws-sdk/*', '@smithy/*', 'aws-ses-v2-local', 'playwright-core'],
    // ESM entry points let esbuild keep only the date-fns functions used.
    mainFields: ['module', 'main'],
    // Names are kept (no identifier minification) so stack traces stay readable; the linked source map
    // gives TypeScript positions under NODE_OPTIONS=--enable-source-maps.
    minifyWhitespace: true,
    minifySyntax: true,
    sourcemap: 'linked',
    sourcesContent: false,
    metafile: true,
    logLevel: 'warning',
    // `node dist/cli.js run ...` runs the command too, through the bin (exit codes and all), instead of
    // loading the module and exiting 0 with no output.
    footer: { js: 'if(require.main===module)require("../cli/opsbots.js");' },
  });
  return result.metafile;
}

module.exports = { buildCli };

if (require.main === module) {
  buildCli().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
