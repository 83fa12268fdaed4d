// serverless-esbuild's `plugins` (serverless.yml custom.esbuild.plugins): see shared/deploy/bundle.ts.
require('tsx/cjs/api').register();
const { bundlePlugins } = require('../shared/deploy/bundle.ts');

module.exports = bundlePlugins(process.env);
