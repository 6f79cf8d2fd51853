/**
 * The command line: parses flags, runs a command, and turns every outcome into an exit code.
 * A user's mistake is one line on stderr and exit 2, never a stack trace.
 *
 * Lazy-loading rule: this module, and what it imports statically, is loaded by every run, and a
 * scan's first API request waits for all of it (docs/benchmarks.md, "Start-up"). So it imports only
 * what defining the flags needs (commander, the option parsers, names and defaults from the small
 * modules src/report/names.ts and src/defaults.ts); each command's module is imported in its
 * action (`await import('./scan.js')`), and the commands in turn import a rarely needed branch
 * (IaC parsing, --input, the simulator, organisations, a report format) where it is taken. What a
 * scan needs only after its crawl (rules engine, drift, formats) is loaded during the crawl
 * (src/cli/scan.ts). test/cli/startup.test.ts fails when the simulator, IaC or report modules come
 * back into the eager graph. Type-only imports (`import type`) cost nothing: the build erases them.
 */
import { Command, CommanderError, Option } from 'commander';
import { ACCOUNT_REGIONS_AT_ONCE, DEFAULT_BASELINE_DIR, KEEP_RESOLVED_DAYS } from '../defaults.js';
import { AuditError, ExitCode, InterruptedError } from '../errors.js';
import { FAIL_ON, FORMAT_NAMES } from '../report/names.js';
import type { CliIo } from './io.js';
import {
  collect,
  outputParser,
  parseByteSize,
  parseIacParam,
  parseDate,
  parseEndpoint,
  parsePort,
  parseRegions,
  positiveNumber,
} from './options.js';
import { parseAccountIds, parseRegionsOrAll, parseRoleName, parseShardFlag } from './options.js';
import type { SimulateFlags } from './simulate.js';
import type { ScanFlags } from './scan.js';
import type { SourceFlags } from './source.js';
import type { BaselineFlags } from './baseline.js';
import { toolVersion } from '../version.js';
import { inert } from '../report/escape.js';

const EXIT_CODES_HELP = `
Exit codes:
  0  pass: the crawl is complete and the gate passed
  1  the gate failed: a finding at or above --fail-on (default high), or drift
     with --fail-on-drift
  2  usage or configuration error (bad flag, bad policy/suppression/baseline
     file, no credentials or region); one message, nothing crawled
  3  the crawl is incomplete (some functions could not be fetched: they are in
     the reports with their error) and the gate otherwise passed
  130 interrupted (Ctrl-C); no file is left half-written`;

const SCAN_EXAMPLES = `
Examples:
  $ lambda-audit scan --demo                          crawl a simulated fleet (no AWS needed)
  $ lambda-audit scan --regions us-east-1,eu-west-1   crawl two regions in parallel
  $ lambda-audit scan --profile prod --max-rps 50 --output sarif=r.sarif --output json=r.json
  $ lambda-audit scan --org --role-name LambdaAuditRole --regions all   every account, every enabled region
  $ lambda-audit scan --input planned.json --fail-on high      gate a planned configuration offline
  $ lambda-audit scan --iac examples/sam-template.yaml --output sarif=iac.sarif   gate a template before deploy
  $ lambda-audit scan --output markdown >> "$GITHUB_STEP_SUMMARY"
  $ lambda-audit scan --fail-on-drift --suppressions accepted-risk.yaml
  $ AWS_ENDPOINT_URL_LAMBDA=http://127.0.0.1:5000 lambda-audit scan --regions us-east-1`;

const MERGE_EXAMPLES = `
Examples:
  $ lambda-audit scan --org --role-name LambdaAuditRole --regions all --shard 2/3 --output snapshot=shard-2.json
  $ lambda-audit merge shard-1.json shard-2.json shard-3.json --output sarif=sarif/lambda-audit.sarif`;

/** Where the snapshot comes from: shared by scan and baseline. */
function addSourceOptions(command: Command): Command {
  return command
    .option(
      '--regions <list>',
      'comma-separated regions, crawled in parallel, or "all": the regions enabled in each account (default: AWS_REGION or the profile region)',
      parseRegionsOrAll,
    )
    .option(
      '--profile <name>',
      'AWS profile; repeat to crawl several accounts in parallel (default: AWS_PROFILE, then the default credential chain)',
      collect,
    )
    .option('--endpoint <url>', 'Lambda API endpoint (default: AWS_ENDPOINT_URL_LAMBDA, else AWS)', parseEndpoint)
    .option(
      '--max-rps <n>',
      'cap every quota group at n requests per second, leaving headroom for deploys',
      positiveNumber('--max-rps'),
    )
    .addOption(
      new Option('--concurrency <n>', 'GetFunction requests in flight per region')
        .default(32)
        .argParser(positiveNumber('--concurrency', { integer: true, max: 512 })),
    )
    .addOption(
      new Option('--request-timeout <seconds>', 'abandon and retry a single request after this long')
        .default(15)
        .argParser(positiveNumber('--request-timeout', { max: 300 })),
    )
    .option(
      '--include-versions',
      'also audit published versions (ListFunctions FunctionVersion=ALL) and the aliases of versioned functions (ListAliases)',
      false,
    )
    .option(
      '--all-aliases',
      'with --include-versions (implied): list the aliases of every function, also those with no published version (an alias on $LATEST); one more control-plane call per such function',
    )
    .option(
      '--no-exposure',
      'skip the resource policy, function URL and invoke config reads (a quicker gate; the exposure rules and dlq-missing are then not judged)',
    )
    .option(
      '--no-roles',
      'skip the execution role read (IAM GetAccountAuthorizationDetails, once per account); the role rules are then not judged',
    )
    .option(
      '--no-capacity-providers',
      'skip the Lambda Managed Instances capacity provider read (ListCapacityProviders, once per region, only where a function runs on a provider); vpc-single-az and capacity-provider-kms-cmk-missing are then not judged on those functions',
    )
    .option(
      '--no-log-groups',
      'skip the CloudWatch Logs log group read (DescribeLogGroups, by the /aws/lambda/ prefix once per region, custom log groups in batches of 50); log-retention-missing and log-group-kms-missing are then not judged',
    )
    .option(
      '--no-event-sources',
      'skip the event source mapping read (ListEventSourceMappings, once per region); esm-failure-destination-missing, esm-kafka-unauthenticated and esm-cross-account-source are then not judged',
    )
    .option(
      '--no-code-signing',
      'skip the code signing read (ListCodeSigningConfigs once per region and ListFunctionsByCodeSigningConfig once per config, only where a Zip function is listed); code-signing-missing and code-signing-not-enforced are then not judged',
    )
    .option(
      '--no-security-groups',
      'skip the security group read (EC2 DescribeSecurityGroups, in batches of ids per region, only for VPC functions); sg-egress-unrestricted is then not judged',
    )
    .option(
      '--all-exposure-reads',
      'read the function URL and invoke config of every function, not only where they can matter (about twice the calls on the quota deploys share; drift then sees every URL and destination)',
    )
    .option(
      '--input <files...>',
      'read a lambda-audit snapshot or "aws lambda get-function" JSON instead of crawling (no AWS access)',
    )
    .option(
      '--iac <path>',
      'judge CloudFormation/SAM templates, a cdk.out directory or a Terraform plan JSON (file or directory; repeatable) instead of crawling',
      collect,
    )
    .option('--iac-param <key=value>', 'a template parameter value for --iac (repeatable)', parseIacParam)
    .option(
      '--iac-max-bytes <size>',
      'the largest file --iac reads (bytes, or 100MB; default 50MB): a larger one is refused before it is read',
      parseByteSize,
    )
    .option('--demo', 'start a simulated Lambda API with a demo fleet and crawl it', false)
    .option('-q, --quiet', 'no progress or summary on stderr', false)
    .option('--org', "crawl the organisation's active accounts (Organizations ListAccounts; needs --role-name)")
    .option(
      '--accounts <ids>',
      'crawl these accounts (comma-separated 12-digit ids; needs --role-name)',
      parseAccountIds('--accounts'),
    )
    .option(
      '--exclude-accounts <ids>',
      'leave these accounts out (comma-separated)',
      parseAccountIds('--exclude-accounts'),
    )
    .option('--role-name <name>', "the audit role assumed in each account other than the caller's", parseRoleName)
    .option('--external-id <id>', "the external id the audit role's trust policy asks for")
    .addOption(
      new Option('--parallel <n>', 'account-regions crawled at once, over all accounts')
        .default(ACCOUNT_REGIONS_AT_ONCE)
        .argParser(positiveNumber('--parallel', { integer: true, max: 1000 })),
    )
    .option(
      '--threads <n>',
      'crawler threads for those account-regions; 1 crawls in the main thread (default: one per 8 account-regions at once, on every core but one)',
      positiveNumber('--threads', { integer: true, max: 256 }),
    )
    .option(
      '--shard <K/N>',
      'crawl only shard K of N of the account-regions (see docs/organizations.md)',
      parseShardFlag,
    )
    .option(
      '--shard-balance <snapshot>',
      "with --shard: split the shards by the function counts of the previous run's snapshot (every shard given the same file)",
    );
}

export function buildProgram(io: CliIo, setExit: (code: ExitCode) => void): Command {
  const program = new Command()
    .name('lambda-audit')
    .description('Audit AWS Lambda fleets for compliance and configuration drift (read-only).')
    .version(toolVersion(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });

  const scan = program
    .command('scan')
    .description(
      'Crawl Lambda functions (or read --input), evaluate the policies, compare with baselines, write reports.',
    );
  addSourceOptions(scan)
    .option(
      '--output <format[=path]>',
      `write a format to a file, or to stdout without =path; repeatable. Formats: ${FORMAT_NAMES.join(', ')}. Default: text to stdout; json, sarif, html and snapshot to reports/<UTC time>/`,
      outputParser(FORMAT_NAMES),
      [],
    )
    .option('--policy <file>', 'add a policy file (repeatable); the built-in pack stays loaded', collect, [])
    .option('--no-builtin', 'do not load the built-in Lambda pack')
    .option('--config <file>', 'switch rules off, change their severity or options (YAML; see docs/policies.md)')
    .option('--suppressions <file>', 'accepted risk with reason, owner and expiry (YAML; see docs/policies.md)')
    .option('--as-of <date>', 'evaluate date-based rules as of YYYY-MM-DD (default: today, UTC)', parseDate)
    .option(
      '--compliance <framework>',
      'only rules mapped to this framework, e.g. aws-foundational-security-best-practices (no drift findings)',
    )
    .option(
      '--baseline <dir>',
      `compare with the baselines in dir (default: ${DEFAULT_BASELINE_DIR}/ when it holds any)`,
    )
    .option('--no-drift', 'do not compare with baselines')
    .option(
      '--drift-ignore <path>',
      'ignore changes at this path (glob; repeatable), on top of policies/drift.yaml',
      collect,
      [],
    )
    .option('--drift-policy <file>', 'drift severity policy (default: policies/drift.yaml)')
    .option('--accept-findings <file>', 'record the current findings as accepted (write file)')
    .option('--accepted-findings <file>', 'mark findings new or existing against an accepted-findings file')
    .option('--only-new', 'report (and gate on) only findings not in --accepted-findings', false)
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a policy finding (not suppressed) is at or above this severity')
        .choices(FAIL_ON)
        .default('high'),
    )
    .option('--fail-on-drift', 'exit 1 when any drift finding (not suppressed) is present', false)
    .option(
      '--state <file>',
      'findings over time: first seen, fixed, age; read before the scan, written after it (created when missing)',
    )
    .option(
      '--state-keep-resolved-days <days>',
      `drop entries resolved more than this many days ago from the --state file (default: ${KEEP_RESOLVED_DAYS})`,
      positiveNumber('--state-keep-resolved-days', { integer: true }),
    )
    .option(
      '--fail-on-sla',
      'exit 1 when a finding (not suppressed) is past its SLA (needs --state and `sla` in --config)',
      false,
    )
    .option('--no-color', 'no colours in the text output (also: NO_COLOR)')
    .option('--report-snapshot', 'the JSON report also holds the whole snapshot (off: it is the snapshot output)')
    .addHelpText('after', `${SCAN_EXAMPLES}\n${EXIT_CODES_HELP}`)
    .action(async (flags: ScanFlags) => {
      if (flags.onlyNew && flags.acceptedFindings === undefined)
        throw new AuditError('E_USAGE', '--only-new needs --accepted-findings FILE (the findings accepted earlier)');
      const { runScan } = await import('./scan.js');
      setExit(await runScan(flags, io));
    });

  // merge: scan's evaluation and output flags (the same Option objects), over shard snapshots.
  const sourceFlags = new Set(addSourceOptions(new Command()).options.map((o) => o.long));
  const merge = program
    .command('merge')
    .description(
      'Combine the snapshots of "scan --shard K/N" runs: evaluate, compare with baselines, write reports and gate once, as one scan would.',
    )
    .argument('<snapshots...>', 'the snapshot of every shard (scan --shard K/N --output snapshot=PATH)')
    .addHelpText('after', `${MERGE_EXAMPLES}\n${EXIT_CODES_HELP}`);
  for (const option of scan.options)
    if (!sourceFlags.has(option.long) || option.long === '--quiet') merge.addOption(option);
  merge.action(async (files: string[], flags: Omit<ScanFlags, keyof SourceFlags> & { quiet: boolean }) => {
    if (flags.onlyNew && flags.acceptedFindings === undefined)
      throw new AuditError('E_USAGE', '--only-new needs --accepted-findings FILE (the findings accepted earlier)');
    const { runScan } = await import('./scan.js');
    setExit(
      await runScan(
        {
          ...flags,
          input: files,
          mergeShards: true,
          concurrency: 1,
          includeVersions: false,
          requestTimeout: 15,
          demo: false,
        },
        io,
      ),
    );
  });

  const baseline = program
    .command('baseline')
    .description('Write baselines/<account>/<region>.json from a crawl (or --input): what drift compares against.');
  addSourceOptions(baseline)
    .option('--dir <dir>', `where baselines go (default: ${DEFAULT_BASELINE_DIR})`)
    .option('--force', 'overwrite a baseline that is corrupt or of an unknown version; write incomplete regions', false)
    .addHelpText(
      'after',
      `
Examples:
  $ lambda-audit baseline --regions us-east-1        take a baseline from a crawl
  $ lambda-audit baseline --input snapshot.json      take it from a snapshot already written
Exit codes: 0 written; 2 an existing baseline is corrupt or of an unknown version (left untouched);
3 a region's crawl was incomplete (its baseline is not written without --force).`,
    )
    .action(async (flags: BaselineFlags) => {
      const { runBaseline } = await import('./baseline.js');
      setExit(await runBaseline(flags, io));
    });

  program
    .command('simulate')
    .description(
      'Run the demo Lambda API simulator on loopback until Ctrl-C, to try scans, baselines and drift by hand.',
    )
    .addOption(new Option('--port <n>', 'port on 127.0.0.1 (0: any free port)').default(4566).argParser(parsePort))
    .addOption(
      new Option('--functions <n>', 'functions in the fleet')
        .default(1000)
        .argParser(positiveNumber('--functions', { integer: true, max: 1_000_000 })),
    )
    .option('--regions <list>', 'regions of the fleet (default: us-east-1,eu-west-1)', parseRegions)
    .addOption(
      new Option('--latency <ms>', 'added to every answer')
        .default(20)
        .argParser(positiveNumber('--latency', { max: 10_000 })),
    )
    .action(async (flags: SimulateFlags) => {
      const { runSimulate } = await import('./simulate.js');
      setExit(await runSimulate(flags, io));
    });

  program
    .command('validate')
    .description(
      'Check policy, suppressions, config (YAML) and baseline (JSON) files without scanning (default: the built-in pack).',
    )
    .argument(
      '[files...]',
      'YAML files (kind recognised from the top-level key: rules list, rules map, suppressions) and baseline .json files',
    )
    .addHelpText(
      'after',
      '\nExit codes: 0 all valid; 2 a file has errors (each printed as file:line:column: path: problem [code]).',
    )
    .action(async (files: string[]) => {
      const { runValidate } = await import('./validate.js');
      setExit(await runValidate(files, io));
    });

  program.addHelpText('after', `\nRun "lambda-audit scan --help" for the scan flags.\n${EXIT_CODES_HELP}`);
  return program;
}

export async function run(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  let exit: ExitCode = ExitCode.ok;
  const program = buildProgram(io, (code) => (exit = code));
  try {
    await program.parseAsync([...argv]);
    return exit;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help'
        ? ExitCode.ok
        : ExitCode.usage;
    }
    if (error instanceof AuditError) {
      // Messages name files and values of the input: no escape sequence of theirs reaches the terminal.
      io.stderr.write(`lambda-audit: ${inert(error.message)}\n`);
      return error.exitCode;
    }
    if (error instanceof InterruptedError || io.signal.aborted) {
      io.stderr.write('\nlambda-audit: interrupted; no output was written\n');
      return ExitCode.interrupted;
    }
    throw error;
  }
}

/** The real process: wires stdin/stdout, Ctrl-C and unexpected errors. */
export async function main(argv: readonly string[]): Promise<number> {
  const controller = new AbortController();
  const onSigint = (): void => {
    controller.abort(new InterruptedError('interrupted'));
    // A second Ctrl-C falls through to Node's default and ends the process at once.
    process.off('SIGINT', onSigint);
  };
  process.on('SIGINT', onSigint);
  try {
    return await run(argv, {
      stdout: process.stdout,
      stderr: process.stderr,
      env: process.env,
      cwd: process.cwd(),
      now: () => new Date(),
      signal: controller.signal,
    });
  } catch (error) {
    process.stderr.write(
      `lambda-audit: internal error: ${(error as Error).message}\nThis is a bug; please report it with the command you ran. Set LAMBDA_AUDIT_DEBUG=1 for details.\n`,
    );
    if (process.env.LAMBDA_AUDIT_DEBUG) process.stderr.write(`${(error as Error).stack ?? ''}\n`);
    return 70;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
