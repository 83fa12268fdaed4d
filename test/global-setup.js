// Tests that start the `opsbots` command as a process run the compiled bundle, built here from the
// current sources once per jest run (npm ci builds it too, through `prepare`).
module.exports = async () => {
  await require('../cli/build').buildCli();
};
