// A test run must leave config/ as it found it: a stage file written there for a moment was committed by
// accident twice (a commit taken while a test ran). Tests write their stages to a temporary folder instead
// (test/deploy/package.ts tempStage); this guard fails the run that creates anything in config/, even a file
// it removed again, and names it.
const { readdirSync, watch } = require('node:fs');
const { join } = require('node:path');

const CONFIG_DIR = join(__dirname, '..', 'config');

/** Starts watching `dir`; `check()` throws naming every entry created since, whether or not it is still there. */
function guardDir(dir = CONFIG_DIR) {
  const before = new Set(readdirSync(dir));
  const created = new Set();
  const watcher = watch(dir, (_event, name) => {
    if (name && !before.has(String(name))) created.add(String(name));
  });
  return {
    async check() {
      // Lets inotify events already queued reach the callback before the watcher closes.
      await new Promise((resolve) => setTimeout(resolve, 20));
      watcher.close();
      const left = readdirSync(dir).filter((f) => !before.has(f));
      const names = [...new Set([...created, ...left])].sort();
      if (names.length > 0) {
        throw new Error(`the test run wrote into ${dir}: ${names.join(', ')}${left.length > 0 ? ` (still there: ${left.join(', ')})` : ''}; write stage files to a temporary folder (test/deploy/package.ts tempStage)`);
      }
    },
    close: () => watcher.close(),
  };
}

module.exports = { guardDir, CONFIG_DIR };
