import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { AUDITS, readActions } from '../../shared/audits/index';
import { CONFIG_DIR, readStageFile } from '../../shared/config/load';
import { normalise } from '../../shared/config/index';
import { functionKey, logicalPrefix } from '../../shared/deploy/names';
import { packageStage, roleActions, type Template } from './package';

/**
 * The stage files as shipped (config/*.yml) that deploy operator endpoints or a warmer: what a user copies
 * is packaged for real and held to the same rules as the tests' own stages.
 */
const SHIPPED = readdirSync(CONFIG_DIR)
  .filter((f) => f.endsWith('.yml'))
  .map((f) => f.replace(/\.yml$/, ''))
  .filter((stage) => {
    const raw = readStageFile(join(CONFIG_DIR, `${stage}.yml`)) as { operator?: unknown; warmer?: { enabled?: boolean } };
    return raw.operator !== undefined || raw.warmer?.enabled === true;
  });

type Stmt = { Action: string[]; Resource: unknown; Condition?: unknown };
const statements = (t: Template, role: string) => (t.Resources[role]?.Properties.Policies.flatMap((p: any) => p.PolicyDocument.Statement) as Stmt[]).filter((s) => !s.Action[0]?.startsWith('logs:'));
const sub = (s: string) => ({ 'Fn::Sub': s });

describe('deploy: the shipped stage files with operator endpoints or a warmer', () => {
  it('include at least one such stage, so the README\'s deploy example is real', () => {
    expect(SHIPPED).toContain('prod');
  });

  describe.each(SHIPPED)('stage %s', (stage) => {
    const config = normalise(stage, readStageFile(join(CONFIG_DIR, `${stage}.yml`)));
    let t: Template;
    beforeAll(() => {
      t = packageStage(stage);
    }, 120_000);

    it('gives every function its own role', () => {
      const fns = Object.entries(t.Resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function');
      for (const [id, fn] of fns) expect(fn.Properties.Role).toEqual({ 'Fn::GetAtt': [id.replace(/LambdaFunction$/, 'Role'), 'Arn'] });
    });

    it('grants each audit function exactly its declared read actions (plus sending mail)', () => {
      const mail = config.notify ? ['ses:SendEmail'] : [];
      for (const audit of AUDITS.filter((a) => config.audits[a.id]?.deployed)) {
        const granted = roleActions(t, `${logicalPrefix(functionKey(audit.id))}Role`);
        const writes = config.audits[audit.id]?.remediation ? (audit.action?.iamActions ?? []) : [];
        const state = config.notify?.sendWhen === 'changes' ? ['s3:GetObject', 's3:ListBucket', 's3:PutObject'] : [];
        expect({ audit: audit.id, granted }).toEqual({ audit: audit.id, granted: [...new Set([...readActions(audit), ...writes, ...mail, ...state])].sort() });
      }
    });

    it('holds token parameter names only: no value, no SSM resource, no dynamic reference', () => {
      const text = JSON.stringify(t);
      for (const target of Object.values(config.operator.targets)) expect(text).toContain(target.tokenParameter);
      expect(text).not.toMatch(/resolve:ssm|SecureString|WithDecryption/);
      expect(Object.values(t.Resources).some((r) => r.Type.startsWith('AWS::SSM::'))).toBe(false);
      // Every function carries the operator section as the closed schema has it: no key for a token value.
      for (const [id, r] of Object.entries(t.Resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function')) {
        const carried = r.Properties.Environment?.Variables?.OPSBOTS_CONFIG;
        if (carried === undefined) continue;
        for (const target of Object.values((JSON.parse(carried) as { operator?: { targets?: Record<string, object> } }).operator?.targets ?? {})) {
          expect({ id, keys: Object.keys(target).filter((k) => !['instanceId', 'region', 'tokenParameter', 'maxRunHours', 'notify'].includes(k)) }).toEqual({ id, keys: [] });
        }
      }
    });

    it('scopes each operator endpoint to its one instance and its one token parameter', () => {
      for (const [name, target] of Object.entries(config.operator.targets)) {
        const instance = sub(`arn:\${AWS::Partition}:ec2:${target.region}:\${AWS::AccountId}:instance/${target.instanceId}`);
        const parameter = sub(`arn:\${AWS::Partition}:ssm:${config.region}:\${AWS::AccountId}:parameter/${target.tokenParameter.replace(/^\//, '')}`);
        for (const [action, change] of [['Start', 'ec2:StartInstances'], ['Stop', 'ec2:StopInstances'], ['State', undefined]] as const) {
          const role = `${logicalPrefix(functionKey(`operator-${name}`))}${action}Role`;
          expect(roleActions(t, role)).toEqual(['ec2:DescribeInstances', ...(change ? [change] : []), 'kms:Decrypt', 'ssm:GetParameter'].sort());
          const s = statements(t, role);
          if (change) expect(s.filter((x) => x.Action.includes(change))).toEqual([{ Effect: 'Allow', Action: [change], Resource: instance }]);
          expect(s.filter((x) => x.Action.includes('ssm:GetParameter'))).toEqual([{ Effect: 'Allow', Action: ['ssm:GetParameter'], Resource: parameter }]);
          expect(s.find((x) => x.Action.includes('kms:Decrypt'))?.Condition).toEqual({ StringEquals: { 'kms:ViaService': `ssm.${config.region}.amazonaws.com`, 'kms:EncryptionContext:PARAMETER_ARN': parameter } });
        }
      }
      if (Object.keys(config.operator.targets).length > 0) {
        expect(roleActions(t, 'OperatorDenyRole')).toEqual([]);
        expect(roleActions(t, 'OperatorConsoleRole')).toEqual([]);
        expect(t.Resources.HttpApiStage?.Properties.DefaultRouteSettings).toMatchObject({ ThrottlingRateLimit: config.operator.throttle.rate, ThrottlingBurstLimit: config.operator.throttle.burst });
      }
    });

    it('lets the warmer invoke exactly its targets, each a function this template deploys', () => {
      if (!config.warmer.enabled) return expect(t.Resources.WarmerRole).toBeUndefined();
      expect(roleActions(t, 'WarmerRole')).toEqual(['lambda:InvokeFunction']);
      const [grant, ...rest] = statements(t, 'WarmerRole');
      expect(rest).toEqual([]);
      expect(grant?.Resource).toHaveLength(config.warmer.targets.length);
      config.warmer.targets.forEach((target, i) => {
        const resource = (grant?.Resource as unknown[])[i];
        if (target.function === undefined) return expect(resource).toBe(target.qualifier ? `${target.arn}:${target.qualifier}` : target.arn);
        const fn = `${logicalPrefix(target.function)}LambdaFunction`;
        expect(t.Resources[fn]?.Type).toBe('AWS::Lambda::Function');
        expect(resource).toEqual(target.qualifier ? sub(`\${${fn}.Arn}:${target.qualifier}`) : { 'Fn::GetAtt': [fn, 'Arn'] });
      });
    });
  });
});
