import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../cli/invoke';
import { MANAGEMENT_DIR, memberDir, requireOrgRecording } from '../../shared/org/recording';

/**
 * The bundled sample organization is one recorded run: the management account's calls made by its caller, and
 * each member's calls made by the member role session that run assumed. Every principal a recorded answer
 * names (GetCallerIdentity, "User: <arn> is not authorized ..." in an AccessDenied) must be the one that made
 * the calls, or the demo shows errors of some other role than the one the README tells users to deploy.
 */
const ORG_DIR = join(ROOT, 'sample', 'org');
const meta = requireOrgRecording(ORG_DIR);

type Call = { input: Record<string, unknown>; output?: Record<string, unknown>; error?: { message: string } };

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    // A member's folder holds <service>/<region>/<Operation>.json; the organization folder beside it is not its own.
    if (statSync(path).isDirectory()) return name === 'org' ? [] : files(path);
    return name.endsWith('.json') && name !== 'meta.json' ? [path] : [];
  });
}

/** Every principal the recording in `dir` names, with the file that names it. */
function principalsNamed(dir: string): { file: string; arn: string }[] {
  return files(dir).flatMap((file) => {
    const calls = JSON.parse(readFileSync(file, 'utf8')) as Call[];
    return calls.flatMap((c) => {
      const named = [...(c.error?.message.matchAll(/User: (arn:\S+) is not authorized/g) ?? [])].map((m) => m[1] as string);
      if (file.endsWith('GetCallerIdentity.json') && typeof c.output?.Arn === 'string') named.push(c.output.Arn);
      return named.map((arn) => ({ file: file.slice(ROOT.length + 1), arn }));
    });
  });
}

const assumeRole = JSON.parse(readFileSync(join(ORG_DIR, MANAGEMENT_DIR, 'sts', 'us-east-1', 'AssumeRole.json'), 'utf8')) as Call[];
const sessions = new Map(assumeRole.flatMap((c) => {
  const arn = (c.output?.AssumedRoleUser as { Arn?: string } | undefined)?.Arn;
  return arn ? [[String(c.input.RoleArn).split(':')[4] as string, arn] as const] : [];
}));
const members = [...new Set([...Object.keys(meta.accounts ?? {}), ...readdirSync(join(ORG_DIR, 'accounts'))])].sort();

describe('the sample organization recording: one run, one principal per account', () => {
  it('records a member role session for every recorded member, in the role and run the recording names', () => {
    expect(members).toEqual(['123456789012', '222222222222']);
    for (const id of members) expect(sessions.get(id)).toBe(`arn:aws:sts::${id}:assumed-role/OpsbotsAudit/opsbots-${meta.runId}`);
  });

  it.each(members)('names only the member role session in the recording of account %s', (id) => {
    const named = principalsNamed(memberDir(ORG_DIR, meta, id));
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((n) => n.arn !== sessions.get(id))).toEqual([]);
  });

  it('names only the management caller in the management account\'s calls', () => {
    const caller = principalsNamed(join(ORG_DIR, MANAGEMENT_DIR)).find((n) => n.file.endsWith('GetCallerIdentity.json'))?.arn;
    expect(caller).toBe('arn:aws:iam::111111111111:user/opsbots-auditor');
    expect(principalsNamed(join(ORG_DIR, MANAGEMENT_DIR)).filter((n) => n.arn !== caller)).toEqual([]);
  });
});
