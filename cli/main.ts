import { Command, CommanderError } from 'commander';
import { ConfigError, OpsbotsError } from '../shared/errors';
import { EXIT, statsTable, summaryTable, writeFile, writeOut } from './output';

// Each subcommand imports what it needs when it runs (`await import`), so `opsbots --help` and a mistyped
// option never load the SDK clients, the audit engine, the local SES server or the bench.

const collect = (value: string, previous: string[]) => [...previous, value];

function program(out: (s: string) => void, setCode: (n: number) => void): Command {
  const cmd = new Command('opsbots').description('AWS operations and compliance bots').exitOverride();
  cmd
    .command('run')
    .description('run audits: exit 0 clean, 1 findings, 2 incomplete, 3 bad input')
    .argument('<audits...>', 'audit ids, or "all"')
    .option('--stage <name>', 'read config/<name>.yml')
    .option('--config <file>', 'a settings file of the same schema as a stage')
    .option('--set <auditId.setting=VALUE>', 'override one audit setting (VALUE is JSON or a plain string)', collect, [])
    .option('--regions <r1,r2>', 'audit only these regions')
    .option('--dry-run', 'change nothing, send nothing', false)
    .option('--json <file>', 'write the findings JSON (schemas/findings.schema.json)')
    .option('--out <dir>', 'write report.html, report.txt, findings.csv, findings.json, message.eml')
    .option('--ocsf <file>', 'write the findings as OCSF Detection Findings (JSON array)')
    .option('--asff <file>', 'write the findings in the AWS Security Finding Format (JSON array)')
    .option('--replay <dir>', 'answer AWS calls from a recording (e.g. sample/)')
    .option('--stats', 'print AWS requests per operation and wall time per phase', false)
    .option('--verbose', 'print structured logs', false)
    .action(async (audits: string[], o: { stage?: string; config?: string; set: string[]; regions?: string; dryRun: boolean; json?: string; out?: string; ocsf?: string; asff?: string; replay?: string; stats: boolean; verbose: boolean }) => {
      const [{ loadConfig }, { parseRegions, parseSet }, { cliRun }, { MemoryLog, createLogger }] = await Promise.all([import('../shared/config/load'), import('./args'), import('./run'), import('../shared/logger')]);
      const config = loadConfig({ stage: o.stage, file: o.config });
      const result = await cliRun({ config, auditIds: audits, set: parseSet(o.set), regions: parseRegions(o.regions), dryRun: o.dryRun, replayDir: o.replay, log: o.verbose ? createLogger() : new MemoryLog() });
      out(summaryTable(result.report));
      out(`state: ${result.report.state}${result.report.notEvaluated.length > 0 ? ` (not evaluated: ${result.report.notEvaluated.map((e) => `${e.source}@${e.region} ${e.code}`).join(', ')})` : ''}`);
      out(result.delivery.sent ? `email sent to ${result.delivery.to.join(', ')} (${result.delivery.messageId})` : `email not sent: ${result.delivery.reason}`);
      if (o.json) writeFile(o.json, result.rendered.json);
      if (o.ocsf) writeFile(o.ocsf, (await import('../reports/ocsf')).ocsfJson(result.report));
      if (o.asff) writeFile(o.asff, (await import('../reports/asff')).asffJson(result.report, { region: config.region }));
      if (o.out) out(`wrote ${writeOut(o.out, result.rendered, result.eml).join(', ')}`);
      if (o.stats) out(statsTable(result.clients.stats, result.report));
      setCode(result.exitCode);
    });
  cmd
    .command('record')
    .description('record a real account (read-only calls, secrets redacted) for --replay')
    .requiredOption('--out <dir>', 'folder to write the recording to')
    .option('--stage <name>', 'read config/<name>.yml')
    .option('--config <file>', 'a settings file')
    .option('--regions <r1,r2>', 'record only these regions')
    .action(async (o: { out: string; stage?: string; config?: string; regions?: string }) => {
      const [{ loadConfig }, { parseRegions }, { record }, { MemoryLog }] = await Promise.all([import('../shared/config/load'), import('./args'), import('./record'), import('../shared/logger')]);
      const config = loadConfig({ stage: o.stage, file: o.config });
      const recorded = await record({ config, dir: o.out, regions: parseRegions(o.regions), log: new MemoryLog() });
      out(`recorded ${recorded.operations} operations into ${o.out}`);
      for (const e of recorded.errors) out(`  not readable: ${e.source}@${e.region} ${e.code}`);
      setCode(EXIT.clean);
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
export async function main(argv: readonly string[], out: (s: string) => void = (s) => console.log(s), err: (s: string) => void = (s) => console.error(s)): Promise<number> {
  let code: number = EXIT.clean;
  try {
    await program(out, (n) => (code = n)).parseAsync([...argv]);
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
