import type { Call, Reply } from './fake-aws';
import { fault, ok } from './wire';

/**
 * A small account answering every read of `opsbots run all` in us-east-1 and eu-west-1, so that each read
 * operation is really made: alice (in the credential report, an old active key), bob (created after the
 * report: read user by user), an ACM certificate near expiry (described), a security group whose rule
 * references a prefix list (resolved).
 */
export const ACCOUNT_ID = '123456789012';
export const REGIONS = ['us-east-1', 'eu-west-1'] as const;

const day = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * day).toISOString().replace(/\.\d{3}Z$/, 'Z');
const ahead = (days: number) => Math.round((Date.now() + days * day) / 1000);

export const REPORT_COLUMNS = [
  'user', 'arn', 'user_creation_time', 'password_enabled', 'password_last_used', 'password_last_changed', 'password_next_rotation', 'mfa_active',
  'access_key_1_active', 'access_key_1_last_rotated', 'access_key_1_last_used_date', 'access_key_1_last_used_region', 'access_key_1_last_used_service',
  'access_key_2_active', 'access_key_2_last_rotated', 'access_key_2_last_used_date', 'access_key_2_last_used_region', 'access_key_2_last_used_service',
  'cert_1_active', 'cert_1_last_rotated', 'cert_2_active', 'cert_2_last_rotated',
] as const;

const ALICE_CREATED = ago(400);
const ALICE_KEY_CREATED = ago(200);

/** The credential report's rows, column by column (REPORT_COLUMNS). */
export function reportRows(): Record<string, string>[] {
  const none = { access_key_1_last_used_region: 'N/A', access_key_1_last_used_service: 'N/A', access_key_2_active: 'false', access_key_2_last_rotated: 'N/A', access_key_2_last_used_date: 'N/A', access_key_2_last_used_region: 'N/A', access_key_2_last_used_service: 'N/A', cert_1_active: 'false', cert_1_last_rotated: 'N/A', cert_2_active: 'false', cert_2_last_rotated: 'N/A', password_next_rotation: 'N/A' };
  return [
    { ...none, user: '<root_account>', arn: `arn:aws:iam::${ACCOUNT_ID}:root`, user_creation_time: ago(900), password_enabled: 'not_supported', password_last_used: ago(100), password_last_changed: 'not_supported', mfa_active: 'true', access_key_1_active: 'false', access_key_1_last_rotated: 'N/A', access_key_1_last_used_date: 'N/A' },
    { ...none, user: 'alice', arn: `arn:aws:iam::${ACCOUNT_ID}:user/alice`, user_creation_time: ALICE_CREATED, password_enabled: 'true', password_last_used: ago(2), password_last_changed: ago(300), mfa_active: 'true', access_key_1_active: 'true', access_key_1_last_rotated: ALICE_KEY_CREATED, access_key_1_last_used_date: ago(1), access_key_1_last_used_region: 'us-east-1', access_key_1_last_used_service: 's3' },
  ];
}

/** The report as CSV; `edit` may change the header or the rows (a malformed report). */
export function reportCsv(edit: (columns: string[], rows: string[][]) => void = () => undefined): string {
  const columns = [...REPORT_COLUMNS] as string[];
  const rows = reportRows().map((r) => columns.map((c) => r[c] ?? ''));
  edit(columns, rows);
  return [columns, ...rows].map((r) => r.join(',')).join('\n') + '\n';
}

const member = (xml: string) => `<member>${xml}</member>`;
const item = (xml: string) => `<item>${xml}</item>`;

/** The account's answer to each read (and the SES send): a successful reply in the service's protocol. */
export function account(call: Call, csv = reportCsv()): Reply {
  const user = new URLSearchParams(call.body).get('UserName');
  switch (`${call.service}:${call.action}`) {
    case 'sts:GetCallerIdentity':
      return ok(call, `<Arn>arn:aws:iam::${ACCOUNT_ID}:user/auditor</Arn><UserId>AIDAAUDITOR</UserId><Account>${ACCOUNT_ID}</Account>`);
    case 'iam:GenerateCredentialReport':
      return ok(call, '<State>COMPLETE</State>');
    case 'iam:GetCredentialReport':
      return ok(call, `<Content>${Buffer.from(csv).toString('base64')}</Content><ReportFormat>text/csv</ReportFormat><GeneratedTime>${ago(0.01)}</GeneratedTime>`);
    case 'iam:ListUsers':
      return ok(call, `<IsTruncated>false</IsTruncated><Users>${member(`<Path>/</Path><UserName>alice</UserName><UserId>AIDAALICE</UserId><Arn>arn:aws:iam::${ACCOUNT_ID}:user/alice</Arn><CreateDate>${ALICE_CREATED}</CreateDate>`)}${member(`<Path>/</Path><UserName>bob</UserName><UserId>AIDABOB</UserId><Arn>arn:aws:iam::${ACCOUNT_ID}:user/bob</Arn><CreateDate>${ago(0.02)}</CreateDate>`)}</Users>`);
    case 'iam:GetLoginProfile':
      return fault(call, 'NoSuchEntity', 404);
    case 'iam:ListMFADevices':
      return ok(call, '<IsTruncated>false</IsTruncated><MFADevices/>');
    case 'iam:ListAccessKeys': {
      const id = user === 'bob' ? 'AKIABOBEXAMPLE000001' : 'AKIAALICEEXAMPLE0001';
      const created = user === 'bob' ? ago(0.02) : ALICE_KEY_CREATED;
      return ok(call, `<IsTruncated>false</IsTruncated><AccessKeyMetadata>${member(`<UserName>${user}</UserName><AccessKeyId>${id}</AccessKeyId><Status>Active</Status><CreateDate>${created}</CreateDate>`)}</AccessKeyMetadata>`);
    }
    case 'iam:GetAccessKeyLastUsed':
      return ok(call, `<UserName>bob</UserName><AccessKeyLastUsed><Region>N/A</Region><ServiceName>N/A</ServiceName></AccessKeyLastUsed>`);
    case 'iam:ListServerCertificates':
      return ok(call, '<IsTruncated>false</IsTruncated><ServerCertificateMetadataList/>');
    case 'acm:ListCertificates':
      return ok(call, { CertificateSummaryList: [{ CertificateArn: `arn:aws:acm:${call.region}:${ACCOUNT_ID}:certificate/c-1`, DomainName: 'shop.example.com', Status: 'ISSUED', Type: 'AMAZON_ISSUED', NotAfter: ahead(20), InUse: true }] });
    case 'acm:DescribeCertificate':
      return ok(call, { Certificate: { CertificateArn: `arn:aws:acm:${call.region}:${ACCOUNT_ID}:certificate/c-1`, DomainName: 'shop.example.com', Status: 'ISSUED', Type: 'AMAZON_ISSUED', NotAfter: ahead(20), InUseBy: [`arn:aws:elasticloadbalancing:${call.region}:${ACCOUNT_ID}:loadbalancer/app/shop/1`], RenewalEligibility: 'ELIGIBLE', RenewalSummary: { RenewalStatus: 'PENDING_AUTO_RENEWAL' } } });
    case 'ec2:DescribeInstances':
      return ok(call, `<reservationSet>${item(`<reservationId>r-1</reservationId><ownerId>${ACCOUNT_ID}</ownerId><instancesSet>${item(`<instanceId>i-0123456789abcdef0</instanceId><instanceState><code>16</code><name>running</name></instanceState><launchTime>${ago(30)}</launchTime><tagSet>${item('<key>Owner</key><value>ops</value>')}${item('<key>Environment</key><value>prod</value>')}</tagSet>`)}</instancesSet>`)}</reservationSet>`);
    case 'ec2:DescribeSecurityGroups':
      return ok(call, `<securityGroupInfo>${item(`<ownerId>${ACCOUNT_ID}</ownerId><groupId>sg-0a1b2c3d</groupId><groupName>web</groupName><groupDescription>web</groupDescription><vpcId>vpc-1</vpcId><ipPermissions>${item(`<ipProtocol>tcp</ipProtocol><fromPort>443</fromPort><toPort>443</toPort><groups/><ipRanges>${item('<cidrIp>0.0.0.0/0</cidrIp>')}</ipRanges><ipv6Ranges/><prefixListIds>${item('<prefixListId>pl-0partners</prefixListId>')}</prefixListIds>`)}</ipPermissions>`)}</securityGroupInfo>`);
    case 'ec2:DescribeSecurityGroupRules':
      return ok(call, `<securityGroupRuleSet>${item(`<securityGroupRuleId>sgr-0a</securityGroupRuleId><groupId>sg-0a1b2c3d</groupId><groupOwnerId>${ACCOUNT_ID}</groupOwnerId><isEgress>false</isEgress><ipProtocol>tcp</ipProtocol><fromPort>443</fromPort><toPort>443</toPort><cidrIpv4>0.0.0.0/0</cidrIpv4>`)}${item(`<securityGroupRuleId>sgr-0b</securityGroupRuleId><groupId>sg-0a1b2c3d</groupId><groupOwnerId>${ACCOUNT_ID}</groupOwnerId><isEgress>false</isEgress><ipProtocol>tcp</ipProtocol><fromPort>443</fromPort><toPort>443</toPort><prefixListId>pl-0partners</prefixListId>`)}</securityGroupRuleSet>`);
    case 'ec2:GetManagedPrefixListEntries':
      return ok(call, `<entrySet>${item('<cidr>198.51.100.0/24</cidr>')}</entrySet>`);
    case 'ec2:DescribeNetworkInterfaces':
      return ok(call, `<networkInterfaceSet>${item(`<networkInterfaceId>eni-1</networkInterfaceId><interfaceType>interface</interfaceType><description></description><status>in-use</status><attachment><instanceId>i-0123456789abcdef0</instanceId></attachment><groupSet>${item('<groupId>sg-0a1b2c3d</groupId><groupName>web</groupName>')}</groupSet>`)}</networkInterfaceSet>`);
    case 'ses:SendEmail':
      return ok(call, { MessageId: 'fault-suite-1' });
    default:
      return fault(call, 'InvalidAction', 400);
  }
}
