/** `lambda-audit scan`: crawl (or start the demo and crawl it), then write the outputs. */
import { resolve } from 'node:path';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { createLambdaClient } from '../crawl/client.js';
import { crawl } from '../crawl/crawler.js';
import { AuditError, ExitCode } from '../errors.js';
import { formatters, type RunResult } from '../report/formats.js';
import { writeFileSafely } from '../report/write.js';
import { buildSnapshot, isComplete } from '../snapshot/build.js';
import type { EnvHashKey } from '../snapshot/redact.js';
import { LambdaSimulator } from '../simulator/server.js';
import { loadRuleSet, loadSuppressions } from '../policy/load.js';
import { applySuppressions } from '../policy/suppressions.js';
import { evaluate } from '../rules/evaluate.js';
import { DEMO_ENV_KEY, loadEnvHashKey } from './env-key.js';
import { fileTimestamp, logTo, type CliIo } from './io.js';
import type { OutputSpec } from './options.js';
import { silentProgress, summaryLine, ttyProgress } from './progress.js';
import { toolVersion } from './version.js';

export interface ScanFlags {
  readonly regions?: string[];
  readonly profile?: string;
  readonly endpoint?: string;
  readonly maxRps?: number;
  readonly concurrency: number;
  readonly includeVersions: boolean;
  readonly requestTimeout: number;
  readonly output: OutputSpec[];
  readonly demo: boolean;
  readonly quiet: boolean;
  readonly policy: string[];
  readonly builtin: boolean;
  readonly config?: string;
  readonly suppressions?: string;
  readonly asOf?: Date;
}

interface Target {
  readonly regions: readonly string[];
  readonly key: EnvHashKey;
  readonly clientFor: (region: string) => LambdaClient;
  readonly close: () => Promise<void>;
}

export async function runScan(flags: ScanFlags, io: CliIo): Promise<ExitCode> {
  const log = logTo(io, flags.quiet);
  // Policies and suppressions are checked before anything is crawled: a typo costs no API calls.
  const asOf = flags.asOf ?? io.now();
  const rules = await loadRuleSet({ policyFiles: flags.policy, builtin: flags.builtin, asOf, ...(flags.config === undefined ? {} : { configFile: flags.config }) });
  const suppressions = flags.suppressions === undefined ? [] : await loadSuppressions(flags.suppressions, new Set(rules.map((r) => r.id)));
  const target = flags.demo ? await demoTarget(flags, log) : await awsTarget(flags, io, log);
  let run: RunResult;
  try {
    const progress = io.stderr.isTTY && !flags.quiet ? ttyProgress(io.stderr as NodeJS.WriteStream) : silentProgress;
    const result = await crawl({
      regions: target.regions,
      clientFor: target.clientFor,
      envHashKey: target.key,
      concurrency: flags.concurrency,
      includeVersions: flags.includeVersions,
      requestTimeoutMs: flags.requestTimeout * 1000,
      signal: io.signal,
      onProgress: (p) => progress.update(p),
      ...(flags.maxRps === undefined ? {} : { maxRps: flags.maxRps }),
    });
    progress.done();
    const snapshot = buildSnapshot(result, target.key, toolVersion(), io.now());
    const records = new Map(snapshot.functions.map((f) => [f.arn, f]));
    const applied = applySuppressions(evaluate(snapshot.functions, rules), records, suppressions, asOf);
    run = { snapshot, asOf: asOf.toISOString().slice(0, 10), rules, findings: applied.findings, suppressions: applied.statuses };
  } finally {
    await target.close();
  }
  for (const region of run.snapshot.regions) log(summaryLine(region));
  await writeOutputs(run, flags.output, io, log);
  const complete = isComplete(run.snapshot);
  if (!complete) log('crawl incomplete: some functions could not be fetched (see the records with status "failed" or "denied"); exit 3');
  return complete ? ExitCode.ok : ExitCode.crawlIncomplete;
}

async function writeOutputs(run: RunResult, specs: readonly OutputSpec[], io: CliIo, log: (line: string) => void): Promise<void> {
  const dir = `reports/${fileTimestamp(io.now())}`;
  const outputs: readonly OutputSpec[] = specs.length > 0 ? specs : [{ format: 'text' }, { format: 'json', path: `${dir}/report.json` }, { format: 'snapshot', path: `${dir}/snapshot.json` }];
  for (const spec of outputs) {
    const content = formatters[spec.format as keyof typeof formatters](run);
    if (spec.path === undefined) {
      io.stdout.write(content);
    } else {
      const path = resolve(io.cwd, spec.path);
      await writeFileSafely(path, content);
      log(`wrote ${spec.format} to ${spec.path}`);
    }
  }
}

async function demoTarget(flags: ScanFlags, log: (line: string) => void): Promise<Target> {
  // Transient faults and deletions only: the demo shows retries and vanished functions, and ends complete.
  const simulator = new LambdaSimulator({ latencyMs: 20, faults: { serverErrorRate: 0.01, resetRate: 0.005, vanishRate: 0.005 } });
  const endpoint = await simulator.start();
  log(`demo: a simulated Lambda API at ${endpoint} with ${[...simulator.fleet.values()].reduce((n, m) => n + m.size, 0)} functions in ${simulator.regions.join(', ')}, at the real quotas`);
  const regions = flags.regions ?? simulator.regions;
  return {
    regions,
    key: DEMO_ENV_KEY,
    clientFor: (region) =>
      createLambdaClient({ region, endpoint, maxSockets: flags.concurrency + 8, credentials: { accessKeyId: 'AKIDLAMBDAAUDITDEMO', secretAccessKey: 'demo-secret-not-real' } }),
    close: () => simulator.stop(),
  };
}

async function awsTarget(flags: ScanFlags, io: CliIo, log: (line: string) => void): Promise<Target> {
  const endpoint = flags.endpoint ?? io.env.AWS_ENDPOINT_URL_LAMBDA;
  const common = {
    maxSockets: flags.concurrency + 8,
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(flags.profile === undefined ? {} : { profile: flags.profile }),
  };
  const regions = flags.regions ?? [await defaultRegion(flags.profile)];
  const probe = createLambdaClient({ ...common, region: regions[0] ?? 'us-east-1' });
  try {
    await probe.config.credentials();
  } catch (error) {
    throw new AuditError('E_CREDENTIALS', `no AWS credentials found${flags.profile ? ` for profile "${flags.profile}"` : ''}: ${(error as Error).message.split('\n')[0] ?? ''}. Set AWS_PROFILE (or --profile), run "aws sso login", or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`, { cause: error });
  } finally {
    probe.destroy();
  }
  const key = await loadEnvHashKey(io.env, log);
  const clients: LambdaClient[] = [];
  return {
    regions,
    key,
    clientFor: (region) => {
      const client = createLambdaClient({ ...common, region });
      clients.push(client);
      return client;
    },
    close: () => {
      for (const c of clients) c.destroy();
      return Promise.resolve();
    },
  };
}

async function defaultRegion(profile: string | undefined): Promise<string> {
  const client = new LambdaClient(profile === undefined ? {} : { profile });
  try {
    return await client.config.region();
  } catch (error) {
    throw new AuditError('E_CONFIG', 'no region: pass --regions us-east-1,eu-west-1 or set AWS_REGION (or a region in your AWS profile)', { cause: error });
  } finally {
    client.destroy();
  }
}
