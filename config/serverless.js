// serverless.yml reads the stage's functions and resources from here: generated from the audit registry
// and config/<stage>.yml, so adding an audit to a stage needs no YAML surgery.
// OPSBOTS_CONFIG_DIR: read <stage>.yml from that folder instead (the deploy tests package their own stages
// from a temporary folder, so nothing is ever written into config/).
require('tsx/cjs/api').register();
const { buildDeployment } = require('../shared/deploy/template.ts');
const { readStageFile, stageFile } = require('../shared/config/load.ts');

module.exports = async ({ options }) => {
  const stage = options.stage || 'dev';
  const dir = process.env.OPSBOTS_CONFIG_DIR;
  return buildDeployment(stage, dir ? readStageFile(stageFile(stage, dir)) : undefined);
};
