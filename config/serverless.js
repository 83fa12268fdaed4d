// serverless.yml reads the stage's functions and resources from here: generated from the audit registry
// and config/<stage>.yml, so adding an audit to a stage needs no YAML surgery.
require('tsx/cjs/api').register();
const { buildDeployment } = require('../shared/deploy/template.ts');

module.exports = async ({ options }) => buildDeployment(options.stage || 'dev');
