import { Command, CommanderError } from 'commander';
import { ConfigError, OpsbotsError } from '../shared/errors';
import { EXIT, accountsTable, actionsText, printDocument, sinkLines, statsTable, streamDocument, summaryTable, writeFile, writeOut, type DocumentSink } from './output';
import type { OrgFlags } from './org';
import type { ProgressTerminal } from './progress';
import { TOOL } from '../shared/version';

// Each subcommand imports what it needs when it runs (`await import`), so `opsbots --help` and a mistyped
// option never load the SDK clients, the audit engine, the local SES server or the bench.

const collect = (value: string, previous: string[]) => [...previous, value];

/** The options choosing an organization's accounts, shared by run and record. */
function orgOptions(c: Command): Command {
  return c
    .option('--org', 'every account of the AWS Organization in scope (the stage\'s organization block, or all but the management account)')
    .option('--accounts <id,...>', 'only these member accounts (implies --org)')
    .option('--include-ous <ou,...>', 'only accounts under these OUs (children included)')
    .option('--exclude-ous <ou,...>', 'leave out accounts under these OUs (one the organization does not hold: no account is audited, exit 2)')
    .option('--include-accounts <id,...>', 'add these accounts to --include-ous')
    .option('--exclude-accounts <id,...>', 'leave out these accounts')
    .option('--include-management-account', 'audit the management account too')
    .option('--role-name <name>', 'the member audit role (default OpsbotsAudit; see opsbots member-role)')
    .option('--external-id <id>', 'ExternalId the member role requires')
    .option('--account-concurrency <n>', 'member accounts at once (default 10, at most 50)');
}

const ORG_HELP = `
Organization runs (--org, --accounts, or --replay of an organization recording) exit 2 when any account in
scope was not audited for a reason other than being suspended or closed; the JSON names every account.`;

function program(out: (s: string) => void, setCode: (n: number) => void, err: (s: string) => void, terminal: ProgressTerminal, document: DocumentSink): Command {
  const cmd = new Command('opsbots')
    .description('AWS operations and compliance bots')
    .version(TOOL.version, '-V, --version', 'print the version (package.json)')
    .configureOutput({ writeOut: (t) => out(t.trimEnd()), writeErr: (t) => err(t.trimEnd()) })
    .exitOverride();
  cmd
    .command('list')
    .description('every audit: title, severity, what it reads (and the IAM actions), its settings with defaults and descriptions, its remediation')
    .option('--json', 'JSON instead of text', false)
    .action(async (o: { json: boolean }) => {
      const { listAudits, listText } = await import('./list');
      const audits = listAudits();
      out(o.json ? JSON.stringify(audits, null, 2) : listText(audits));
      setCode(EXIT.clean);
    });
  cmd
    .command('validate')
    .description('check a stage file as a deploy or run would, without any AWS call: exit 0 valid, 3 invalid; warnings for what looks wrong')
    .option('--stage <name>', 'read config/<name>.yml')
    .option('--config <file>', 'a settings file of the same schema as a stage')
    .option('--json', 'JSON instead of text', false)
    .action(async (o: { stage?: string; config?: string; json: boolean }) => {
      const { validateStage, validationText } = await import('./validate');
      const v = validateStage({ stage: o.stage, file: o.config });
      (v.valid || o.json ? out : err)(o.json ? JSON.stringify(v, null, 2) : validationText(v));
      setCode(v.valid ? EXIT.clean : EXIT.badInput);
    });
  const run = cmd
    .command('run')
    .description('run audits: exit 0 clean, 1 findings, 2 incomplete, 3 bad input, 4 produced but not delivered')
    .argument('<audits...>', 'audit ids, or "all"')
    .option('--stage <name>', 'read config/<name>.yml')
    .option('--config <file>', 'a settings file of the same schema as a stage')
    .option('--set <auditId.setting=VALUE>', 'override one audit setting (VALUE is JSON or a plain string)', collect, [])
    .option('--regions <r1,r2>', 'audit only these regions')
    .option('--dry-run', 'change nothing, send nothing', false)
    .option('--json <file>', 'write the findings JSON (schemas/findings.schema.json); - for stdout')
    .option('--csv <file>', 'write the findings CSV; - for stdout')
    .option('--status <s1,s2>', 'print only findings of these statuses: FAIL, WARN, ERROR, PASS (default: all but PASS)')
    .option('--severity <s1,s2>', 'print only findings of these severities: critical, high, medium, low, info')
    .option('--quiet', 'print no findings table and no summary: the state line and problems only', false)
    .option('--out <dir>', 'write report.html, report.txt, findings.csv, findings.json, message.eml')
    .option('--ocsf <file>', 'write the findings as OCSF Detection Findings (JSON array)')
    .option('--asff <file>', 'write the findings in the AWS Security Finding Format (JSON array)')
    .option('--replay <dir>', 'answer AWS calls from a recording (e.g. sample/)')
    .option('--stats', 'print AWS requests per operation and wall time per phase', false)
    .option('--verbose', 'print structured logs', false)
    .addHelpText('after', ORG_HELP);
  orgOptions(run)
    .option('--results <dir>', '--org: keep every account\'s full result under this folder')
    .option('--split-regions', '--org: each account\'s global sources, and each region, as a step of its own (organization.splitRegions; needs a regions list)')
    .option('--state <dir>', '--org with sendWhen: changes: keep each account\'s findings here (DIR/accounts/<id>/): the organization report and owner mail are sent only when an account\'s findings change')
    .action(async (audits: string[], o: { stage?: string; config?: string; set: string[]; regions?: string; dryRun: boolean; json?: string; csv?: string; status?: string; severity?: string; quiet: boolean; out?: string; ocsf?: string; asff?: string; replay?: string; stats: boolean; verbose: boolean; results?: string; state?: string } & OrgFlags) => {
      const [{ loadConfig }, { parseRegions, parseSet }, { cliRun, UndeliveredError }, { MemoryLog, createLogger }, org] = await Promise.all([import('../shared/config/load'), import('./args'), import('./run'), import('../shared/logger'), import('./org')]);
      const { parseFilter, findingsTable, stdoutTarget } = await import('./findings-table');
      const filter = parseFilter(o.status, o.severity);
      // `--json -` / `--csv -`: stdout carries that document alone, everything for people goes to stderr.
      const toStdout = stdoutTarget(o.json, o.csv, o.verbose);
      const say = toStdout ? err : out;
      const config = loadConfig({ stage: o.stage, file: o.config });
      // Files and the summary come before the send: a failed delivery loses nothing (exit 4).
      // On a terminal, a long collection says how far it is (sources and regions read of the total, or an
      // organization's accounts done), on stderr; not with --quiet, nor when stdout carries a document.
      const progress = o.quiet || toStdout ? undefined : (await import('./progress')).progressLine(terminal);
      const onReady = async ({ report, rendered, eml }: import('./run').ReadyOutput) => {
        progress?.clear();
        const table = o.quiet ? '' : findingsTable(report, filter);
        if (table) say(`${table}\n`);
        // Any organization run names every account in scope (one unreachable account too), and its scope warnings.
        if (report.accounts && (report.organization || report.accounts.length > 1) && !o.quiet) say(accountsTable(report.accounts));
        for (const w of report.organization?.warnings ?? []) say(`warning: ${w}`);
        if (!o.quiet) say(summaryTable(report));
        say(`state: ${report.state}${report.notEvaluated.length > 0 ? ` (not evaluated: ${report.notEvaluated.map((e) => `${e.account ? `${e.account}:` : ''}${e.source}@${e.region} ${e.code}`).join(', ')})` : ''}`);
        if (report.actions.length > 0 && !o.quiet) say(actionsText(report.actions, undefined, report.organization !== undefined));
        if (toStdout) await document(toStdout === 'json' ? rendered.jsonChunks() : rendered.csvChunks());
        if (o.json && o.json !== '-') await writeFile(o.json, rendered.jsonChunks());
        if (o.csv && o.csv !== '-') await writeFile(o.csv, rendered.csvChunks());
        if (o.ocsf) await writeFile(o.ocsf, (await import('../reports/ocsf')).ocsfJsonChunks(report));
        if (o.asff) await writeFile(o.asff, (await import('../reports/asff')).asffJsonChunks(report, { region: config.securityHub.region ?? config.region }));
        if (o.out) say(`wrote ${(await writeOut(o.out, rendered, eml)).join(', ')}`);
      };
      const common = { config, auditIds: audits, set: parseSet(o.set), regions: parseRegions(o.regions), dryRun: o.dryRun, replayDir: o.replay, log: o.verbose ? createLogger() : new MemoryLog(), onReady, ...(progress ? { onProgress: progress.onProgress } : {}) };
      let result: import('./run').CliRunResult;
      try {
        result = org.isOrgRun(o, o.replay) ? await org.cliOrgRun({ ...common, org: org.orgSettings(config.organization, o), ...(o.results ? { resultsDir: o.results } : {}), ...(o.state ? { stateDir: o.state } : {}), ...(progress ? { progress: progress.org } : {}) }) : await cliRun(common);
      } catch (error) {
        progress?.clear();
        if (!(error instanceof UndeliveredError)) throw error;
        err(`opsbots: ${error.message}`);
        setCode(EXIT.notDelivered);
        return;
      }
      say(result.delivery.sent ? `email sent to ${result.delivery.to.join(', ')} (${result.delivery.messageId})` : `email not sent: ${result.delivery.reason}`);
      if (result.sinks) for (const line of sinkLines(result.sinks)) say(line);
      if (result.owners) for (const line of (await import('../shared/org/owner-mail')).ownerLines(result.owners)) say(line);
      if (o.stats) say(statsTable(result.clients.stats, result.report));
      setCode(result.exitCode);
    });
  const rec = cmd
    .command('record')
    .description('record a real account (read-only calls, secrets redacted) for --replay: exit 0 recorded, 2 something could not be read (named), nothing written when the account cannot be identified')
    .requiredOption('--out <dir>', 'folder to write the recording to')
    .option('--stage <name>', 'read config/<name>.yml')
    .option('--config <file>', 'a settings file')
    .option('--regions <r1,r2>', 'record only these regions');
  orgOptions(rec)
    .action(async (o: { out: string; stage?: string; config?: string; regions?: string } & OrgFlags) => {
      const [{ loadConfig }, { parseRegions }, { record, recordOrg, orgRecordLines, distinct }, { MemoryLog }, org] = await Promise.all([import('../shared/config/load'), import('./args'), import('./record'), import('../shared/logger'), import('./org')]);
      const config = loadConfig({ stage: o.stage, file: o.config });
      if (org.isOrgRun(o)) {
        const progress = (await import('./progress')).progressLine(terminal);
        const recorded = await recordOrg({ config, org: org.orgSettings(config.organization, o), dir: o.out, regions: parseRegions(o.regions), log: new MemoryLog(), ...(progress ? { progress: progress.org } : {}) }).finally(() => progress?.clear());
        // Fail closed like one account: what was recorded is kept, but an account or source missing is exit 2, each named.
        const lines = orgRecordLines(o.out, recorded);
        for (const line of lines.out) out(line);
        for (const line of lines.err) err(line);
        setCode(lines.err.length > 0 ? EXIT.incomplete : EXIT.clean);
        return;
      }
      const recorded = await record({ config, dir: o.out, regions: parseRegions(o.regions), log: new MemoryLog() });
      out(`recorded ${recorded.operations} operations of account ${recorded.account} into ${o.out}`);
      const gaps = distinct(recorded.errors);
      for (const e of gaps) out(`  not readable: ${e}`);
      // What could not be read is recorded too (a replay reports it), but the recording is not whole: exit 2.
      if (gaps.length > 0) err(`opsbots: recording incomplete: ${gaps.length} not readable: ${gaps.join(', ')}`);
      setCode(gaps.length > 0 ? EXIT.incomplete : EXIT.clean);
    });
  cmd
    .command('demo')
    .description('run every audit on the bundled sample account and deliver the report to a local SES server')
    .option('--out <dir>', 'output folder', 'out')
    .action(async (o: { out: string }) => {
      const { demo } = await import('./demo');
      setCode(await demo({ out: o.out, print: out }));
    });
  cmd
    .command('bench')
    .description('evaluation time, peak memory and AWS request counts')
    .option('--users <n,...>', 'user counts to evaluate', '10000,50000')
    .option('--only <id,...>', 'run only these scenarios')
    .option('--scenario <id>', 'run one scenario in this process (the bench starts one process per scenario)')
    .action(async (o: { users: string; only?: string; scenario?: string }) => {
      const { bench, runScenario } = await import('./bench');
      const users = o.users.split(',').map(Number);
      setCode(o.scenario ? await runScenario(o.scenario, { users, print: out }) : await bench({ users, print: out, ...(o.only ? { only: o.only.split(',') } : {}) }));
    });
  cmd
    .command('member-role')
    .description("print the CloudFormation template of the member accounts' audit role (deploy it as a service-managed StackSet)")
    .option('--stage <name>', 'read config/<name>.yml')
    .option('--config <file>', 'a settings file')
    .option('--trusted-account <id>', 'the account that runs opsbots (default: a parameter to fill at deploy)')
    .option('--json', 'JSON instead of YAML', false)
    .action(async (o: { stage?: string; config?: string; trustedAccount?: string; json: boolean }) => {
      const [{ loadConfig }, { memberRoleTemplate }, { accountIdSchema }, { parseOrThrow }, { stringify }] = await Promise.all([import('../shared/config/load'), import('../shared/org/member-role'), import('../shared/org/config'), import('../shared/config/issues'), import('yaml')]);
      const config = loadConfig({ stage: o.stage, file: o.config });
      const trustedAccount = o.trustedAccount === undefined ? undefined : parseOrThrow('--trusted-account', accountIdSchema, o.trustedAccount, ['--trusted-account']);
      const template = memberRoleTemplate(config, trustedAccount ? { trustedAccount } : {});
      // YAML 1.1 quotes what CloudFormation's parser would read as a date (2010-09-09, 2012-10-17).
      out(o.json ? JSON.stringify(template, null, 2) : stringify(template, { version: '1.1' }).trimEnd());
      setCode(EXIT.clean);
    });
  cmd
    .command('operator-token')
    .description('generate a token for an operator target and print the aws ssm put-parameter command to store it')
    .argument('<target>', 'a target name from operator.targets')
    .option('--stage <name>', 'read config/<name>.yml')
    .option('--config <file>', 'a settings file')
    .action(async (target: string, o: { stage?: string; config?: string }) => {
      const [{ loadConfig }, { operatorToken }] = await Promise.all([import('../shared/config/load'), import('./operator-token')]);
      out(operatorToken(loadConfig({ stage: o.stage, file: o.config }), target).join('\n'));
      setCode(EXIT.clean);
    });
  return cmd;
}

/** Runs the CLI; returns the exit code instead of exiting, so tests can call it. */
export async function main(
  argv: readonly string[],
  out?: (s: string) => void,
  err: (s: string) => void = (s) => console.error(s),
  terminal: ProgressTerminal = { isTTY: Boolean(process.stderr.isTTY), write: (t) => void process.stderr.write(t) },
  // `--json -` / `--csv -`: streamed to stdout, or handed whole to a caller's `out`.
  document: DocumentSink = out ? printDocument(out) : streamDocument(process.stdout),
): Promise<number> {
  let code: number = EXIT.clean;
  try {
    await program(out ?? ((s) => console.log(s)), (n) => (code = n), err, terminal, document).parseAsync([...argv]);
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return EXIT.clean; // --help, --version
      return EXIT.badInput;
    }
    if (error instanceof ConfigError) {
      err(`opsbots: ${error.message}`);
      return EXIT.badInput;
    }
    err(`opsbots: ${error instanceof OpsbotsError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return EXIT.incomplete;
  }
}
