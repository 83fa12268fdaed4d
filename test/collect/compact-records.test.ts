import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { normaliseInstance } from '../../shared/collect/ec2-instances';
import { joinGroups } from '../../shared/collect/ec2-security-groups';
import { toNetworkInterface } from '../../shared/collect/ec2-network-interfaces';
import { listedUser } from '../../shared/collect/iam-users';
import { parseCredentialReport, reportDate } from '../../shared/collect/credential-report';

const SAMPLE = join(__dirname, '../../sample');
/** Every output of one recorded operation (all pages). */
const recorded = (service: string, region: string, op: string) => (JSON.parse(readFileSync(join(SAMPLE, service, region, `${op}.json`), 'utf8')) as { output?: any }[]).map((c) => c.output).filter(Boolean);
const keys = (o: object) => Object.keys(o).sort();

const INSTANCE_FIELDS = ['arn', 'autoScalingGroup', 'createdAt', 'id', 'instanceType', 'launchedAt', 'lifecycle', 'ownerId', 'region', 'state', 'tags'];
const GROUP_FIELDS = ['groupId', 'groupName', 'ingress', 'ownerId', 'tags', 'vpcId'];
const USER_FIELDS = ['accessKeys', 'arn', 'createdAt', 'isRoot', 'mfaActive', 'passwordEnabled', 'passwordLastChanged', 'passwordLastUsed', 'user'];
const KEY_FIELDS = ['active', 'lastRotated', 'lastUsed', 'lastUsedRegion', 'lastUsedService', 'slot'];

describe('collectors keep compact records of what audits read, not SDK responses', () => {
  it('keeps only the declared fields of a recorded DescribeInstances page (no block devices, interfaces, security groups...)', () => {
    const reservations = recorded('ec2', 'us-east-1', 'DescribeInstances').flatMap((o) => o.Reservations ?? []);
    const instances = reservations.flatMap((r: any) => (r.Instances ?? []).map((i: any) => normaliseInstance(i, 'us-east-1', r.OwnerId, 'aws')));
    expect(instances.length).toBeGreaterThan(0);
    for (const i of instances) expect(keys(i)).toEqual(INSTANCE_FIELDS);
  });

  it('keeps only the declared fields of recorded security groups, every group in one shape with rules joined', () => {
    const groups = recorded('ec2', 'us-east-1', 'DescribeSecurityGroups').flatMap((o) => o.SecurityGroups ?? []);
    const rules = recorded('ec2', 'us-east-1', 'DescribeSecurityGroupRules').flatMap((o) => o.SecurityGroupRules ?? []);
    const joined = joinGroups(groups, rules);
    expect(joined.length).toBe(groups.length);
    // Same keys in the same order: the records share one shape (insertion order is what V8 shapes follow).
    for (const g of joined) expect(Object.keys(g)).toEqual(['groupId', 'groupName', 'vpcId', 'ownerId', 'tags', 'ingress']);
    expect(keys(joined[0] as object)).toEqual(GROUP_FIELDS);
    const allowed = new Set(['ruleId', 'protocol', 'fromPort', 'toPort', 'cidrIpv4', 'cidrIpv6', 'prefixListId', 'referencedGroupId', 'description', 'onlyIn']);
    for (const r of joined.flatMap((g) => g.ingress)) for (const k of Object.keys(r)) expect(allowed).toContain(k);
  });

  it('keeps only who uses a recorded network interface (no addresses, subnets, attachment details)', () => {
    const enis = recorded('ec2', 'us-east-1', 'DescribeNetworkInterfaces').flatMap((o) => o.NetworkInterfaces ?? []);
    const allowed = new Set(['id', 'type', 'description', 'status', 'requesterId', 'instanceId', 'groupIds']);
    for (const n of enis.map(toNetworkInterface)) for (const k of Object.keys(n)) expect(allowed).toContain(k);
  });

  it('keeps a ListUsers user as its name, ARN and creation time only', () => {
    const users = recorded('iam', 'us-east-1', 'ListUsers').flatMap((o) => o.Users ?? []);
    expect(users.length).toBeGreaterThan(0);
    for (const u of users.map(listedUser)) expect(keys(u)).toEqual(['arn', 'createdAt', 'user']);
  });

  describe('the credential report', () => {
    const CSV: string = recorded('iam', 'us-east-1', 'GetCredentialReport')[0].Content.$utf8;
    const report = parseCredentialReport(CSV, '2026-11-20T07:40:00.000Z');

    it('keeps each user as the columns audits read (not one string per column)', () => {
      for (const u of report.users) {
        expect(keys(u)).toEqual(USER_FIELDS);
        for (const k of u.accessKeys) expect(keys(k)).toEqual(KEY_FIELDS);
      }
    });

    it('shares one record per marker (N/A, no_information...) instead of one per cell', () => {
      const na = report.users.flatMap((u) => u.accessKeys.map((k) => k.lastUsed)).filter((d) => d.raw === 'N/A');
      expect(na.length).toBeGreaterThan(1);
      for (const d of na) expect(d).toBe(na[0]);
      expect(Object.isFrozen(na[0])).toBe(true);
    });

    it('parses each date once into an ISO time, and never reads an impossible day (Feb 30) as a date', () => {
      const header = 'user,arn,user_creation_time,password_enabled,password_last_used,mfa_active';
      const parsed = parseCredentialReport(`${header}\nann,arn:aws:iam::1:user/ann,2024-01-01T00:00:00+00:00,true,2026-02-30T10:00:00+00:00,true\nbob,arn:aws:iam::1:user/bob,2024-02-29T23:30:00-01:00,true,2026-11-10T08:15:07+00:00,true\n`, '2026-11-20T07:40:00.000Z');
      expect(parsed.users[1]?.createdAt).toEqual({ at: '2024-03-01T00:30:00.000Z', raw: '2024-02-29T23:30:00-01:00' });
      expect(parsed.users[1]?.passwordLastUsed.at).toBe('2026-11-10T08:15:07.000Z');
      expect(parsed.users[0]?.passwordLastUsed.at).toBeNull();
      expect(parsed.malformed).toContainEqual({ column: 'password_last_used', why: 'holds "2026-02-30T10:00:00+00:00" (user ann), not a date' });
    });

    it('reads AWS\'s own date form to the same instant a Date would, every day of four years (a leap year among them) at varied times', () => {
      for (let t = Date.UTC(2023, 0, 1); t < Date.UTC(2027, 0, 1); t += 86_400_000 + 3_661_000) {
        const aws = `${new Date(t).toISOString().slice(0, 19)}+00:00`;
        expect(reportDate(aws)).toEqual({ at: new Date(t).toISOString(), raw: aws });
      }
    });

    it('reads every other date form as before: other offsets and fractions, 24:00, early years; never an impossible day', () => {
      const at = (raw: string) => reportDate(raw).at;
      expect(at('2024-02-29T12:00:00+00:00')).toBe('2024-02-29T12:00:00.000Z');
      expect(at('2026-02-29T12:00:00+00:00')).toBeNull();
      expect(at('2026-04-31T12:00:00+00:00')).toBeNull();
      expect(at('2026-13-01T12:00:00+00:00')).toBeNull();
      expect(at('2026-11-10T08:15:00-01:00')).toBe('2026-11-10T09:15:00.000Z');
      expect(at('2026-11-10T08:15:00.5+00:00')).toBe('2026-11-10T08:15:00.500Z');
      expect(at('2026-11-10T08:15:00Z')).toBe('2026-11-10T08:15:00.000Z');
      expect(at('2026-11-10T24:00:00+00:00')).toBe(new Date(Date.parse('2026-11-10T24:00:00+00:00')).toISOString());
      expect(at('0999-01-01T00:00:00+00:00')).toBe('0999-01-01T00:00:00.000Z');
      expect(at('2026-11-1OT08:15:00+00:00')).toBeNull();
    });

    it('shares one frozen record per distinct date of the report, each still read as its own time', () => {
      const dave = report.users.find((u) => u.user === 'dave');
      // dave's password was set when he was created: the same cell value, one record.
      expect(dave?.passwordLastChanged).toBe(dave?.createdAt);
      expect(Object.isFrozen(dave?.createdAt)).toBe(true);
      const erin = report.users.find((u) => u.user === 'erin');
      expect(erin?.createdAt).not.toBe(dave?.createdAt);
      expect(erin?.createdAt).toEqual({ at: '2026-11-18T15:00:00.000Z', raw: '2026-11-18T15:00:00+00:00' });
      expect(dave?.createdAt).toEqual({ at: '2023-09-09T09:00:00.000Z', raw: '2023-09-09T09:00:00+00:00' });
    });

    it('names each column holding a value that is not a date, even where the same value repeats in another column', () => {
      const header = 'user,arn,user_creation_time,password_enabled,password_last_used,mfa_active,access_key_1_active,access_key_1_last_rotated';
      const parsed = parseCredentialReport(`${header}\nann,arn:aws:iam::1:user/ann,2024-01-01T00:00:00+00:00,true,soon,true,false,N/A\nbob,arn:aws:iam::1:user/bob,2024-01-01T00:00:00+00:00,true,N/A,true,true,soon\n`, '2026-11-20T07:40:00.000Z');
      expect(parsed.malformed).toEqual(expect.arrayContaining([
        { column: 'password_last_used', why: 'holds "soon" (user ann), not a date' },
        { column: 'access_key_1_last_rotated', why: 'holds "soon" (user bob), not a date' },
      ]));
      expect(parsed.users[1]?.accessKeys[0]?.lastRotated).toEqual({ at: null, raw: 'soon' });
    });

    it('shares one frozen record per empty key slot (never filled: inactive, every cell N/A), and reads a filled slot as it is', () => {
      const dave = report.users.find((u) => u.user === 'dave');
      const alice = report.users.find((u) => u.user === 'alice');
      const erin = report.users.find((u) => u.user === 'erin');
      expect(dave?.accessKeys).toEqual([
        { slot: 1, active: false, lastRotated: { at: null, raw: 'N/A' }, lastUsed: { at: null, raw: 'N/A' }, lastUsedRegion: null, lastUsedService: null },
        { slot: 2, active: false, lastRotated: { at: null, raw: 'N/A' }, lastUsed: { at: null, raw: 'N/A' }, lastUsedRegion: null, lastUsedService: null },
      ]);
      expect(erin?.accessKeys).toBe(dave?.accessKeys);
      expect(Object.isFrozen(dave?.accessKeys)).toBe(true);
      expect(alice?.accessKeys[1]).toBe(dave?.accessKeys[1]);
      expect(alice?.accessKeys[0]).toEqual({ slot: 1, active: true, lastRotated: { at: '2026-08-28T08:00:00.000Z', raw: '2026-08-28T08:00:00+00:00' }, lastUsed: { at: '2026-11-19T16:00:00.000Z', raw: '2026-11-19T16:00:00+00:00' }, lastUsedRegion: 'eu-west-1', lastUsedService: 's3' });
      // bob's second key was created but never used: a filled slot, not the empty one.
      const bob = report.users.find((u) => u.user === 'bob');
      expect(bob?.accessKeys[1]).toMatchObject({ slot: 2, active: true, lastRotated: { at: '2026-10-15T09:00:00.000Z' }, lastUsed: { at: null, raw: 'N/A' } });
    });

    it('reads the response bytes as they are, also a view into a larger buffer', () => {
      const bytes = Buffer.from(`padding${CSV}`).subarray('padding'.length);
      expect(parseCredentialReport(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), '2026-11-20T07:40:00.000Z')).toEqual(report);
    });
  });
});
