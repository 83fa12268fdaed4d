import { ConfigError } from '../errors';
import { glob, splitPattern, type Exemption } from '../exemptions';
import { didYouMean } from '../suggest';

/**
 * An exemption whose audit part matches no audit would never apply: a typo that silently exempts nothing.
 * Wildcards are fine when they match at least one audit (`iam-*`, `*`).
 */
export function checkExemptionAudits(stage: string, exemptions: readonly Exemption[], auditIds: readonly string[]): void {
  exemptions.forEach((e, i) => {
    const audit = splitPattern(e.match)?.[0];
    if (audit === undefined || auditIds.some((id) => glob(audit).test(id))) return;
    const field = `exemptions.${i}`;
    const message = `"${e.match}": audit "${audit}" matches no audit${didYouMean(audit, auditIds)} (known: ${auditIds.join(', ')})`;
    throw new ConfigError(`invalid config for stage ${stage}: ${field}: ${message}`, [{ field, message }]);
  });
}
