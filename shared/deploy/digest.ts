import { AUDITS } from '../audits/index';
import type { Config, StageInput } from '../config/index';
import { DIGEST_KEY, digestAuditIds } from '../digest';
import { alarm, auditStatements, functionConfig, notifierAccess } from './audits';
import { roleName, roleResource, type Statement } from './iam';
import type { DeploymentPart } from './part';

/** Merges statements with the same resource, so the digest role lists each read action once. */
function merged(statements: readonly Statement[]): Statement[] {
  const star = new Set(statements.filter((s) => s.Resource === '*' && !s.Condition).flatMap((s) => s.Action));
  const rest = statements.filter((s) => s.Resource !== '*' || s.Condition);
  return [{ Effect: 'Allow', Action: [...star].sort(), Resource: '*' }, ...rest];
}

/**
 * The `digest` stage setting: one function running every deployed audit on one schedule and sending one
 * email. Its role is the union of those audits' statements (write actions only where a remediation is enabled).
 */
export function digestFunction(stage: string, config: Config, raw: StageInput): DeploymentPart {
  if (!config.digest) return { functions: {}, resources: {} };
  const ids = digestAuditIds(config);
  if (ids.length === 0) throw new Error(`stage ${stage}: digest is set but no audit is deployed (list audits under audits:)`);
  const audits = AUDITS.filter((a) => ids.includes(a.id));
  const access = notifierAccess(config, DIGEST_KEY);
  const statements = merged(audits.flatMap((a) => {
    const ac = config.audits[a.id];
    return ac ? auditStatements(a, ac) : [];
  }));
  return {
    functions: {
      [DIGEST_KEY]: {
        handler: 'functions/digest.handler',
        description: `opsbots digest: ${ids.join(', ')} in one email`,
        role: roleName(DIGEST_KEY),
        environment: { OPSBOTS_STAGE: stage, OPSBOTS_CONFIG: functionConfig(raw, ids), ...access.environment },
        events: [{ schedule: { rate: [config.digest.schedule], input: { source: 'opsbots.schedule' } } }],
      },
    },
    resources: { ...roleResource(stage, DIGEST_KEY, [...statements, ...access.statements]), ...(config.alerts.enabled ? alarm(DIGEST_KEY) : {}) },
  };
}
