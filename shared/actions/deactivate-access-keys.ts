import { IAMClient, UpdateAccessKeyCommand } from '@aws-sdk/client-iam';
import { deactivateKeysSettings } from './deactivate-access-keys-config';
import { GLOBAL_SERVICE_REGION } from '../aws/clients';
import type { Finding } from '../model';
import { runGuarded } from './guard';
import type { ActionResult, Remediation } from './types';
import { undoCall, type Undo } from './undo';

const settings = deactivateKeysSettings;

const ACTION = 'deactivate access key';

interface KeyTarget {
  readonly auditId: string;
  readonly resource: string;
  readonly resourceId: string;
  readonly region: string;
  readonly userName: string;
  readonly accessKeyId: string;
}

/** The key a FAIL finding names, when its id is known (findings carry `userName` and `accessKeyId` evidence). */
export function keyTarget(f: Finding): KeyTarget | null {
  const { userName, accessKeyId } = f.evidence;
  if (f.resourceType !== 'AWS::IAM::AccessKey' || typeof userName !== 'string' || typeof accessKeyId !== 'string') return null;
  return { auditId: f.auditId, resource: f.resource, resourceId: f.resourceId, region: f.region, userName, accessKeyId };
}

/** UpdateAccessKey Status=Active: the key works again, with the same id and secret. */
export function reactivateKey(t: Pick<KeyTarget, 'userName' | 'accessKeyId'>): Undo {
  return undoCall(
    { service: 'iam', operation: 'UpdateAccessKey', region: GLOBAL_SERVICE_REGION, parameters: { UserName: t.userName, AccessKeyId: t.accessKeyId, Status: 'Active' } },
    'update-access-key',
    [['user-name', t.userName], ['access-key-id', t.accessKeyId], ['status', 'Active']],
  );
}

/** Why a key finding names no key to act on: an ambiguous slot names its candidates, an unknown id its cause. */
function whyNoTarget(f: Finding): string {
  const { keyIdCandidates, keyIdUnknown } = f.evidence;
  const why = typeof keyIdUnknown === 'string' ? keyIdUnknown : 'no key id in the finding';
  if (Array.isArray(keyIdCandidates)) return `not changed: the key is ambiguous (${keyIdCandidates.join(' or ')}): ${why.replace(/^ambiguous: /, '')}`;
  return `not changed: the key id is unknown (${why})`;
}

/**
 * Deactivates the access keys named by the audit's FAIL findings (UpdateAccessKey Status=Inactive; a key
 * is never deleted, so it can be re-activated). IAM has no DryRun parameter: a dry run makes no call at
 * all. A key whose id is unknown or ambiguous is refused, saying why; per-key failures are gathered, never
 * aborting the rest.
 */
export function deactivateAccessKeys(auditId: string): Remediation<typeof settings> {
  return {
    id: `${auditId}:deactivate-access-keys`,
    description: 'Deactivates (never deletes) the access keys that FAIL, at most maxActions per run; the undo reactivates them.',
    iamActions: ['iam:UpdateAccessKey'],
    // Acts on the findings alone (each names its user and key id).
    sources: [],
    settings,
    async run(ctx, findings, s): Promise<ActionResult[]> {
      const keyFindings = findings.filter((f) => f.resourceType === 'AWS::IAM::AccessKey');
      const targets = keyFindings.map(keyTarget).filter((t): t is KeyTarget => t !== null);
      const refused: ActionResult[] = keyFindings
        .filter((f) => keyTarget(f) === null)
        .map((f) => ({ auditId: f.auditId, action: ACTION, resource: f.resource, resourceId: f.resourceId, region: f.region, outcome: 'refused', message: whyNoTarget(f) }));
      const iam = ctx.clients.get(IAMClient, 'iam', GLOBAL_SERVICE_REGION);
      const results = await runGuarded({
        action: ACTION,
        targets,
        maxActions: s.maxActions,
        dryRun: ctx.dryRun,
        act: async (t) => {
          if (!ctx.dryRun) await iam.send(new UpdateAccessKeyCommand({ UserName: t.userName, AccessKeyId: t.accessKeyId, Status: 'Inactive' }));
          return { userName: t.userName, accessKeyId: t.accessKeyId };
        },
        undo: reactivateKey,
      });
      return [...results, ...refused];
    },
  };
}
