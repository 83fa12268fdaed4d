import { setTimeout as sleep } from 'node:timers/promises';
import type { InitializeHandlerArguments, InitializeHandlerOutput, MetadataBearer, Pluggable } from '@smithy/types';
import { Clients, type ClientOptions, type SdkClient } from '../../shared/aws/clients';
import { ReplayedServiceError } from '../../shared/aws/middleware';

const DEFAULT_ACCOUNT = '123456789012';
const CREATED = '2024-01-01T00:00:00+00:00';
const HEADER =
  'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated';

/** The size of a generated account: `users` IAM users, and per region `instances` and `groups`. */
export interface AccountSpec {
  readonly regions: readonly string[];
  readonly users: number;
  readonly instances: number;
  readonly groups: number;
  /** Certificates per region in ACM. Default 5. */
  readonly certificates?: number;
  /** How long every request takes to answer, as a round trip would. Default 0. */
  readonly latencyMs?: number;
  /** The account's id (IAM ARNs, the caller identity). Default 123456789012. */
  readonly account?: string;
}

/** How an emulated account answers one call (`answer` below, or a bench's own, e.g. an organization's). */
export type Answer = (spec: AccountSpec, report: () => string, service: string, region: string, operation: string, input: Record<string, unknown>) => unknown;

const userName = (i: number) => `user-${i}`;

/**
 * An id as a response parser hands it out: one flat string. A template literal of 13 characters or more is
 * a rope in V8 (every piece kept), which the collectors would then hold for each resource: memory that no
 * real response costs, counted against the collectors in the scale bench.
 */
const flat = (s: string) => Buffer.from(s, 'latin1').toString('latin1');
/** One user in three holds an active key; one holder in ten has one old enough to report. */
const holdsKey = (i: number) => i % 3 === 0;
const keyCreated = (i: number) => (i % 30 === 0 ? CREATED : '2026-10-01T00:00:00+00:00');

function credentialReport(users: number, account: string): string {
  const rows: string[] = [`${HEADER}\n<root_account>,arn:aws:iam::${account}:root,${CREATED},not_supported,N/A,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n`];
  for (let i = 0; i < users; i++) {
    const key = holdsKey(i) ? `true,${keyCreated(i)},2026-11-19T00:00:00+00:00,us-east-1,s3` : 'false,N/A,N/A,N/A,N/A';
    const mfa = i % 10 !== 0; // one user in ten fails iam-console-mfa
    rows.push(`${userName(i)},arn:aws:iam::${account}:user/${userName(i)},${CREATED},true,2026-11-10T00:00:00+00:00,${CREATED},N/A,${mfa},${key},false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n`);
  }
  return rows.join('');
}

/** A page of `size` items starting at the numeric token, and the next token while items are left. */
function page(token: unknown, size: unknown, total: number, fallback = 1000): { from: number; to: number; next?: string } {
  const from = Number(token ?? 0);
  const to = Math.min(total, from + Number(size ?? fallback));
  return { from, to, ...(to < total ? { next: String(to) } : {}) };
}
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => from + k);

/** One inbound rule of a generated group, as both reads describe it (the rule read adds its ids). */
interface RuleSpec {
  readonly IpProtocol: string;
  readonly FromPort?: number;
  readonly ToPort?: number;
  readonly CidrIpv4?: string;
  readonly CidrIpv6?: string;
  readonly PrefixListId?: string;
}

const HTTPS_WORLD: RuleSpec = { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIpv4: '0.0.0.0/0' };
const HTTPS_PRIVATE: RuleSpec = { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIpv4: '10.0.0.0/8' };
const SSH_WORLD: RuleSpec = { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '0.0.0.0/0' };
const LOW_PORTS_V6: RuleSpec = { IpProtocol: 'tcp', FromPort: 0, ToPort: 1024, CidrIpv6: '::/0' };
const ALL_TRAFFIC: RuleSpec = { IpProtocol: '-1', CidrIpv4: '0.0.0.0/0' };
const PREFIX_LIST_RULES: readonly RuleSpec[] = [0, 1, 2, 3].map((n) => ({ IpProtocol: 'tcp', FromPort: 9200, ToPort: 9200, PrefixListId: `pl-${n}` }));

/** Inbound rules like a real estate: mostly private, some world-open ssh, ranges or all traffic, prefix lists. */
function ruleSpecs(g: number): RuleSpec[] {
  const rules = [g % 3 === 0 ? HTTPS_WORLD : HTTPS_PRIVATE];
  if (g % 10 === 0) rules.push(SSH_WORLD);
  if (g % 25 === 0) rules.push(LOW_PORTS_V6);
  if (g % 50 === 0) rules.push(ALL_TRAFFIC);
  if (g % 7 === 0) rules.push(PREFIX_LIST_RULES[g % 4] as RuleSpec);
  return rules;
}

/**
 * An id as a parser hands it out: one flat string (see flat()), here built flat by join(), at a third of
 * flat()'s cost: the stub should cost what parsing a response costs, no more.
 */
const hexId = (prefix: string, n: number, width: number, suffix = '') => [prefix, n.toString(16).padStart(width, '0'), suffix].join('');
const groupId = (g: number) => hexId('sg-', g, 17);

/** A group's DescribeSecurityGroupRules entries: one literal per rule, as a parsed page holds them. */
function rulesOf(region: string, g: number) {
  const id = groupId(g);
  return ruleSpecs(g).map((r, k) => ({
    SecurityGroupRuleId: hexId(`sgr-${region.length}`, g, 12, String(k)),
    GroupId: id,
    GroupOwnerId: DEFAULT_ACCOUNT,
    IsEgress: false,
    IpProtocol: r.IpProtocol,
    FromPort: r.FromPort,
    ToPort: r.ToPort,
    CidrIpv4: r.CidrIpv4,
    CidrIpv6: r.CidrIpv6,
    PrefixListId: r.PrefixListId,
  }));
}

/** The same rules as the group's IpPermissions (DescribeSecurityGroups): one permission per rule. */
function permissionsOf(g: number) {
  return ruleSpecs(g).map((r) => ({
    IpProtocol: r.IpProtocol,
    FromPort: r.FromPort,
    ToPort: r.ToPort,
    IpRanges: r.CidrIpv4 ? [{ CidrIp: r.CidrIpv4 }] : undefined,
    Ipv6Ranges: r.CidrIpv6 ? [{ CidrIpv6: r.CidrIpv6 }] : undefined,
    PrefixListIds: r.PrefixListId ? [{ PrefixListId: r.PrefixListId }] : undefined,
  }));
}

const instanceId = (region: string, i: number) => hexId(`i-${region.length.toString(16)}`, i, 15);
const LAUNCHED = Date.parse('2026-06-01T00:00:00Z');

/** One instance as a parsed page holds it: tags pushed in order, a Date of its own, nothing built twice. */
function instance(region: string, i: number, spec: AccountSpec) {
  const tags = [{ Key: 'Name', Value: `host-${i}` }];
  if (i % 4 !== 0) tags.push({ Key: 'Owner', Value: `team-${i % 20}` });
  tags.push({ Key: 'Environment', Value: i % 9 === 0 ? 'qa' : 'prod' });
  if (i % 5 !== 0) tags.push({ Key: 'CostCenter', Value: `CC-${String(1000 + (i % 9000)).padStart(4, '0')}` });
  return {
    InstanceId: instanceId(region, i),
    InstanceType: 't3.micro',
    State: { Name: i % 6 === 0 ? 'stopped' : 'running', Code: 16 },
    LaunchTime: new Date(LAUNCHED),
    RootDeviceName: '/dev/xvda',
    Tags: tags,
    SecurityGroups: [{ GroupId: groupId(i % Math.max(1, spec.groups)) }],
  };
}

function certificate(region: string, c: number) {
  const day = 86_400_000;
  return { CertificateArn: `arn:aws:acm:${region}:${DEFAULT_ACCOUNT}:certificate/${c}`, DomainName: `site-${c}.example.com`, Status: 'ISSUED', Type: 'AMAZON_ISSUED', KeyAlgorithm: 'RSA_2048', NotAfter: new Date(Date.parse('2026-11-20T08:00:00Z') + (c * 70 + 20) * day), InUse: true, RenewalEligibility: 'ELIGIBLE' };
}

/** What AWS would answer for `operation` of `service` in `region`, generated page by page from `spec`. */
export function answer(spec: AccountSpec, report: () => string, service: string, region: string, operation: string, input: Record<string, unknown>): unknown {
  const ACCOUNT = spec.account ?? DEFAULT_ACCOUNT;
  const certificates = spec.certificates ?? 5;
  switch (`${service}:${operation}`) {
    case 'sts:GetCallerIdentity':
      return { Account: ACCOUNT, Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/bench/bench`, UserId: 'AROABENCH' };
    case 'iam:ListAccountAliases':
      return { AccountAliases: ['bench'] };
    case 'iam:GenerateCredentialReport':
      return { State: 'COMPLETE' };
    case 'iam:GetCredentialReport':
      // The bytes once (a Buffer is a Uint8Array, as a response parser hands out), not copied a second time.
      return { Content: Buffer.from(report()), GeneratedTime: new Date('2026-11-20T07:40:00Z'), ReportFormat: 'text/csv' };
    case 'iam:ListUsers': {
      const p = page(input.Marker, input.MaxItems, spec.users, 100);
      return { Users: range(p.from, p.to).map((i) => ({ UserName: userName(i), UserId: `AIDA${i}`, Path: '/', Arn: flat(`arn:aws:iam::${ACCOUNT}:user/${userName(i)}`), CreateDate: new Date(CREATED) })), IsTruncated: p.next !== undefined, ...(p.next ? { Marker: p.next } : {}) };
    }
    case 'iam:ListAccessKeys': {
      const i = Number(String(input.UserName).split('-')[1]);
      return { AccessKeyMetadata: holdsKey(i) ? [{ UserName: input.UserName, AccessKeyId: flat(`AKIA${String(i).padStart(16, '0')}`), Status: 'Active', CreateDate: new Date(keyCreated(i)) }] : [], IsTruncated: false };
    }
    case 'iam:ListServerCertificates':
      return { ServerCertificateMetadataList: [], IsTruncated: false };
    case 'ec2:DescribeRegions':
      return { Regions: spec.regions.map((r) => ({ RegionName: r, OptInStatus: 'opt-in-not-required' })) };
    case 'ec2:DescribeInstances': {
      const p = page(input.NextToken, input.MaxResults, spec.instances);
      return { Reservations: range(p.from, p.to).map((i) => ({ ReservationId: `r-${i}`, OwnerId: ACCOUNT, Instances: [instance(region, i, spec)] })), ...(p.next ? { NextToken: p.next } : {}) };
    }
    case 'ec2:DescribeSecurityGroups': {
      const p = page(input.NextToken, input.MaxResults, spec.groups);
      return { SecurityGroups: range(p.from, p.to).map((g) => ({ GroupId: groupId(g), GroupName: `group-${g}`, VpcId: 'vpc-1', OwnerId: ACCOUNT, Description: 'bench', Tags: [{ Key: 'Name', Value: `group-${g}` }], IpPermissions: permissionsOf(g), IpPermissionsEgress: [] })), ...(p.next ? { NextToken: p.next } : {}) };
    }
    case 'ec2:DescribeSecurityGroupRules': {
      // Rules are paged by group here (a page holds every rule of its groups), as near enough to AWS.
      const p = page(input.NextToken, input.MaxResults, spec.groups);
      return { SecurityGroupRules: range(p.from, p.to).flatMap((g) => rulesOf(region, g)), ...(p.next ? { NextToken: p.next } : {}) };
    }
    case 'ec2:DescribeNetworkInterfaces': {
      // One interface per instance, in its instance's group.
      const p = page(input.NextToken, input.MaxResults, spec.instances);
      return { NetworkInterfaces: range(p.from, p.to).map((i) => ({ NetworkInterfaceId: `eni-${i}`, InterfaceType: 'interface', Description: '', Status: 'in-use', Attachment: { InstanceId: instanceId(region, i), DeviceIndex: 0 }, Groups: [{ GroupId: groupId(i % Math.max(1, spec.groups)) }] })), ...(p.next ? { NextToken: p.next } : {}) };
    }
    case 'ec2:GetManagedPrefixListEntries':
      return { Entries: [{ Cidr: input.PrefixListId === 'pl-0' ? '0.0.0.0/0' : '198.51.100.0/24' }] };
    case 'acm:ListCertificates':
      return { CertificateSummaryList: range(0, certificates).map((c) => certificate(region, c)) };
    case 'acm:DescribeCertificate': {
      const c = Number(String(input.CertificateArn).split('/').pop());
      return { Certificate: { ...certificate(region, c), InUseBy: [`arn:aws:elasticloadbalancing:${region}:${ACCOUNT}:loadbalancer/app/lb-${c}/1`], RenewalSummary: { RenewalStatus: 'PENDING_AUTO_RENEWAL' } } };
    }
    default:
      throw new ReplayedServiceError('NotEmulated', `bench: the emulated account does not answer ${service}:${operation}`, 500);
  }
}

/**
 * SDK clients answered by a generated account (the real clients, with opsbots' stats middleware, minus the
 * network): what a collector would receive from AWS, page by page, without holding the account in memory.
 */
export class EmulatedClients extends Clients {
  private readonly stubbed = new WeakSet<object>();
  private readonly report: () => string;

  constructor(
    readonly spec: AccountSpec,
    options: ClientOptions = {},
    private readonly answerOf: Answer = answer,
  ) {
    super({ maxAttempts: 1, ...options });
    // Built for each GetCredentialReport (one per run), not kept: a real response is not held after it is read.
    this.report = () => credentialReport(spec.users, spec.account ?? DEFAULT_ACCOUNT);
  }

  override get<C extends SdkClient>(Ctor: new (config: { region: string; retryMode: string; maxAttempts: number }) => C, service: string, region?: string): C {
    const client = super.get(Ctor, service, region);
    if (!this.stubbed.has(client)) {
      this.stubbed.add(client);
      const r = (client as unknown as { config: { region: () => Promise<string> } }).config.region;
      client.middlewareStack.use(this.plugin(service, r));
    }
    return client;
  }

  private plugin(service: string, region: () => Promise<string>): Pluggable<object, object> {
    const { spec, report, answerOf } = this;
    return {
      applyToStack(stack) {
        stack.add(
          (_next, context) => async (args: InitializeHandlerArguments<object>) => {
            const operation = String(context.commandName).replace(/Command$/, '');
            if (spec.latencyMs) await sleep(spec.latencyMs);
            const output = answerOf(spec, report, service, await region(), operation, args.input as Record<string, unknown>) as object;
            return { output: { ...output, $metadata: { attempts: 1 } }, response: {} } as InitializeHandlerOutput<MetadataBearer>;
          },
          { step: 'initialize', priority: 'low', name: 'benchEmulatedAccount' },
        );
      },
    };
  }
}
