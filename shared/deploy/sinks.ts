import type { Config } from '../config/index';
import { secureParameterStatements, type Statement } from './iam';

/**
 * Security Hub, only where the stage enables it: BatchImportFindings on the account's own product in the
 * hub's region, and GetFindings (the findings imported earlier, to archive resolved ones) on that hub.
 */
export function securityHubStatements(config: Config): Statement[] {
  if (!config.securityHub.enabled) return [];
  const region = config.securityHub.region ?? config.region;
  return [
    { Effect: 'Allow', Action: ['securityhub:BatchImportFindings'], Resource: { 'Fn::Sub': `arn:\${AWS::Partition}:securityhub:${region}:\${AWS::AccountId}:product/\${AWS::AccountId}/default` } },
    { Effect: 'Allow', Action: ['securityhub:GetFindings'], Resource: { 'Fn::Sub': `arn:\${AWS::Partition}:securityhub:${region}:\${AWS::AccountId}:hub/default` } },
  ];
}

/** The chat webhooks' URLs: GetParameter (and Decrypt via SSM) on exactly the parameters the stage names. */
export function webhookStatements(config: Config): Statement[] {
  const names = [...new Set((config.notify?.webhooks ?? []).map((w) => w.urlParameter))];
  return names.flatMap((name) => secureParameterStatements(name, config.region));
}
