// Tests that start the `opsbots` command as a process run the compiled bundle, built here from the
// current sources once per jest run (npm ci builds it too, through `prepare`).
// The config/ guard starts here and is checked in test/global-teardown.js (globals set here reach it).
module.exports = async () => {
  globalThis.opsbotsConfigGuard = require('./config-guard').guardDir();
  await require('../cli/build').buildCli();
};
