import type { Config } from '../shared/config/index';
import { ConfigError } from '../shared/errors';
import { generateToken, putParameterCommand } from '../shared/operator/token';

/**
 * A fresh random token for an operator target and the command that stores it as a SecureString in the
 * stage's region. Nothing is written anywhere: the operator stores it and hands it to the client.
 */
export function operatorToken(config: Config, target: string, token = generateToken()): string[] {
  const t = Object.hasOwn(config.operator.targets, target) ? config.operator.targets[target] : undefined;
  if (!t) {
    const known = Object.keys(config.operator.targets);
    throw new ConfigError(`unknown operator target "${target}" in stage ${config.stage} (known: ${known.length > 0 ? known.join(', ') : 'none'})`, [{ field: 'target', message: 'unknown operator target' }]);
  }
  return [
    `token for ${target} (hand it to the client over a private channel):`,
    token,
    '',
    `store it (the functions pick it up within ${config.operator.tokenCacheSeconds} seconds, no redeploy); the leading space keeps it out of shell history where HISTCONTROL=ignorespace:`,
    ` ${putParameterCommand(t.tokenParameter, config.region, token)}`,
  ];
}
