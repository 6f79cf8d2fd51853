/**
 * One account-region's crawl as a plain description (`AccountRegionJob`): which endpoint and
 * credentials, which hash key, which crawl settings. Being data rather than closures, a job runs
 * the same in this thread or in a crawler thread (`threads.ts`), and both paths build their clients
 * here. Each job's clients (and their sockets) live as long as its crawl.
 */
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { NOTHING_REQUESTED } from '../snapshot/build.js';
import type { EnvHashKey } from '../snapshot/redact.js';
import type { ErrorInfo, FunctionRecord, RegionStats } from '../snapshot/types.js';
import { createLambdaClient } from './client.js';
import { holdSdkThread, remoteEc2, remoteLogs } from './sdk-remote.js';
import { crawl, type CrawlOptions, type CrawlResult, type RegionProgress } from './crawler.js';

/** How to reach one account: Lambda (and EC2) endpoint, and whose credentials. */
export interface ClientSpec {
  /** Lambda's endpoint; absent: AWS (or AWS_ENDPOINT_URL_LAMBDA through the SDK). */
  readonly endpoint?: string;
  /** EC2's endpoint (DescribeSubnets); absent: AWS, or AWS_ENDPOINT_URL_EC2 through the SDK. */
  readonly ec2Endpoint?: string;
  /** CloudWatch Logs' endpoint (DescribeLogGroups); absent: AWS, or AWS_ENDPOINT_URL_CLOUDWATCH_LOGS through the SDK. */
  readonly logsEndpoint?: string;
  /** IAM's endpoint (execution roles, read in the main thread: `role-reads.ts`); absent: AWS, or AWS_ENDPOINT_URL_IAM. */
  readonly iamEndpoint?: string;
  /** A profile of the shared config files; with no profile and no credentials, the default chain. */
  readonly profile?: string;
  readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Sockets for the Lambda client: the GetFunction lane's concurrency plus the two 15 rps lanes. */
  readonly maxSockets: number;
}

/** The crawl's settings that travel to a crawler thread (no callbacks, clocks or signals). */
export type CrawlSettings = Pick<
  CrawlOptions,
  | 'maxRps'
  | 'quotas'
  | 'concurrency'
  | 'includeVersions'
  | 'versionsFrom'
  | 'aliases'
  | 'exposure'
  | 'requestTimeoutMs'
  | 'capacityProviders'
  | 'eventSources'
  | 'codeSigning'
  | 'securityGroups'
> & {
  /** False with `--no-log-groups`: no DescribeLogGroups; every function's log group is `skipped`. */
  readonly logGroups?: boolean;
};

export interface AccountRegionJob {
  /** Known before the crawl (account flags): the stats of an empty region carry it. */
  readonly account?: string;
  /** How progress names this account-region (`label/region`); absent: the region alone. */
  readonly label?: string;
  readonly region: string;
  readonly client: ClientSpec;
  readonly key: EnvHashKey;
  readonly settings: CrawlSettings;
}

/** Crawls one account-region in this thread. Rejects only when `signal` aborts. */
export async function crawlAccountRegion(
  job: AccountRegionJob,
  signal: AbortSignal,
  onProgress?: (progress: RegionProgress) => void,
  onCompleted?: (record: FunctionRecord) => void,
): Promise<CrawlResult> {
  // The SDK thread takes 0.5-1 s to load its SDKs on another core: started now, it is ready by the
  // time the listing's first VPC functions are handed to it, even for a small fleet, whose whole
  // crawl is shorter than that. A region without VPC functions then never sends it anything.
  const releaseSdkThread = holdSdkThread();
  const auth = {
    ...(job.client.profile === undefined ? {} : { profile: job.client.profile }),
    ...(job.client.credentials === undefined ? {} : { credentials: job.client.credentials }),
  };
  const lambda = createLambdaClient({
    region: job.region,
    maxSockets: job.client.maxSockets,
    ...(job.client.endpoint === undefined ? {} : { endpoint: job.client.endpoint }),
    ...auth,
  });
  const { logGroups } = job.settings;
  try {
    const result = await crawl({
      ...job.settings,
      regions: [job.region],
      clientFor: () => lambda,
      // EC2's and CloudWatch Logs' reads go through the SDK thread (sdk-remote.ts): this thread
      // never loads their SDKs.
      ec2For: (region) =>
        remoteEc2(
          {
            region,
            maxSockets: 8,
            ...(job.client.ec2Endpoint === undefined ? {} : { endpoint: job.client.ec2Endpoint }),
          },
          () => lambda.config.credentials(),
        ),
      // The log group read starts with the region (its prefix read needs nothing from the listing).
      ...(logGroups === false
        ? {}
        : {
            logsFor: (region: string) =>
              remoteLogs(
                {
                  region,
                  maxSockets: 4,
                  ...(job.client.logsEndpoint === undefined ? {} : { endpoint: job.client.logsEndpoint }),
                },
                () => lambda.config.credentials(),
              ),
          }),
      envHashKey: job.key,
      signal,
      ...(onCompleted === undefined ? {} : { onCompleted }),
      ...(onProgress === undefined
        ? {}
        : {
            onProgress: (p) => onProgress(job.label === undefined ? p : { ...p, region: `${job.label}/${p.region}` }),
          }),
    });
    const account = job.account;
    return account === undefined
      ? result
      : { ...result, regions: result.regions.map((r) => (r.account === 'unknown' ? { ...r, account } : r)) };
  } finally {
    lambda.destroy();
    releaseSdkThread();
  }
}

/** An account-region with nothing crawled, and why: one incomplete entry, so reports list it and the run exits 3. */
export function incompleteRegion(account: string, region: string, error: ErrorInfo): RegionStats {
  return {
    account,
    region,
    complete: false,
    listed: 0,
    fetched: 0,
    ...NOTHING_REQUESTED,
    error,
  };
}
