import { readFileSync, existsSync, readdirSync } from 'node:fs';
import { join, basename, extname } from 'node:path';
import { CONFIG_DIR } from '../paths';
import { parse } from 'yaml';
import { ConfigError } from '../errors';
import { didYouMean } from '../suggest';
import { normalise, type Config } from './index';

export { CONFIG_DIR };

/** Reads a stage file (YAML or JSON) without validating it. */
export function readStageFile(path: string): unknown {
  if (!existsSync(path)) {
    const stages = knownStages();
    throw new ConfigError(`config file not found: ${path}${didYouMean(basename(path, extname(path)), stages)}; the stages there are: ${stages.join(', ') || '(none)'} (${CONFIG_DIR}/<stage>.yml)`, [{ field: 'config', message: 'not found' }]);
  }
  try {
    return parse(readFileSync(path, 'utf8')) ?? {};
  } catch (error) {
    throw new ConfigError(`config file ${path} is not valid YAML/JSON: ${(error as Error).message}`, [{ field: 'config', message: 'not YAML' }], { cause: error });
  }
}

/** The stages of config/: each `<stage>.yml`. */
export function knownStages(): string[] {
  return existsSync(CONFIG_DIR) ? readdirSync(CONFIG_DIR).filter((f) => f.endsWith('.yml')).map((f) => basename(f, '.yml')).sort() : [];
}

/** The stage's file, `<dir>/<stage>.yml` (dir: config/ by default). */
export function stageFile(stage: string, dir: string = CONFIG_DIR): string {
  if (!/^[a-zA-Z0-9-]+$/.test(stage)) throw new ConfigError(`invalid stage name "${stage}"`, [{ field: 'stage', message: 'letters, digits and - only' }]);
  return join(dir, `${stage}.yml`);
}

/** `--stage NAME` reads config/NAME.yml; `--config FILE` any file of the same schema; neither: defaults. */
export function loadConfig(opts: { stage?: string; file?: string }): Config {
  if (opts.file) return normalise(opts.stage ?? basename(opts.file, extname(opts.file)), readStageFile(opts.file));
  if (opts.stage) return normalise(opts.stage, readStageFile(stageFile(opts.stage)));
  return normalise('local', {});
}
