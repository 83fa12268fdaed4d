import { basename, extname } from 'node:path';
import type { Config } from '../shared/config/index';
import { normalise } from '../shared/config/index';
import { readStageFile, stageFile } from '../shared/config/load';
import { buildDeployment } from '../shared/deploy/template';
import { ConfigError } from '../shared/errors';
import { isExpired } from '../shared/exemptions';

export interface Validation {
  readonly stage: string;
  readonly file: string;
  readonly valid: boolean;
  /** What a deploy or a run would reject, each naming its field. */
  readonly errors: readonly { readonly field: string; readonly message: string }[];
  /** Accepted, but probably not what was meant, or not checkable offline. */
  readonly warnings: readonly string[];
}

/** Domains reserved for documentation (RFC 2606): mail to them goes nowhere. */
const EXAMPLE_DOMAIN = /@(.+\.)?example\.(com|org|net)$/i;

/** Every address the stage would send from or to, by field. */
function addresses(config: Config): [string, string][] {
  const out: [string, string][] = [];
  const n = config.notify;
  if (n) {
    out.push(['notify.from', n.from]);
    for (const key of ['to', 'cc', 'replyTo'] as const) n[key].forEach((a, i) => out.push([`notify.${key}.${i}`, a]));
  }
  for (const [id, audit] of Object.entries(config.audits)) (audit.to ?? []).forEach((a, i) => out.push([`audits.${id}.to.${i}`, a]));
  (config.digest?.to ?? []).forEach((a, i) => out.push([`digest.to.${i}`, a]));
  if (config.alerts.email) out.push(['alerts.email', config.alerts.email]);
  return out;
}

/** The warnings of a valid stage: example addresses, what cannot be checked offline, expired exemptions. */
export function stageWarnings(config: Config, now: Date): string[] {
  const warnings = addresses(config)
    .filter(([, a]) => EXAMPLE_DOMAIN.test(a))
    .map(([field, a]) => `${field}: ${a} is a documentation address (example.com): mail to it goes nowhere`);
  if (config.notify) {
    warnings.push(`notify.from: SES identity verification cannot be checked offline: verify ${config.notify.from} (or its domain) in ${config.notify.sesRegion ?? config.region}, and the recipients too while the account is in the SES sandbox`);
  }
  config.exemptions.forEach((e, i) => {
    if (isExpired(e, now)) warnings.push(`exemptions.${i}: "${e.match}" expired on ${e.expires}: it suppresses nothing any more (reports list it as expired); renew or remove it`);
  });
  return warnings;
}

/**
 * `opsbots validate`: everything a deploy or a run would reject (the stage schema, the audits' settings, the
 * deployment's references), without any AWS call or serverless, plus warnings. A missing file is bad input.
 */
export function validateStage(opts: { stage?: string; file?: string }, now: Date = new Date()): Validation {
  if (!opts.stage && !opts.file) throw new ConfigError('validate: give --stage NAME or --config FILE', [{ field: '--stage', message: 'missing' }]);
  const file = opts.file ?? stageFile(opts.stage ?? '');
  const stage = opts.stage ?? basename(file, extname(file));
  const raw = readStageFile(file);
  try {
    const config = normalise(stage, raw);
    buildDeployment(stage, raw);
    return { stage, file, valid: true, errors: [], warnings: stageWarnings(config, now) };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { stage, file, valid: false, errors: error.issues.length > 0 ? error.issues : [{ field: '(stage)', message: error.message }], warnings: [] };
  }
}

export function validationText(v: Validation): string {
  return [
    `${v.file} (stage ${v.stage}): ${v.valid ? 'valid' : 'INVALID'}`,
    ...v.errors.map((e) => `  error: ${e.field}: ${e.message}`),
    ...v.warnings.map((w) => `  warning: ${w}`),
  ].join('\n');
}
