// Fails the run that wrote anything into config/ (test/config-guard.js).
module.exports = async () => {
  await globalThis.opsbotsConfigGuard?.check();
};
