/**
 * The AWS SDK clients a crawl loads, by `require`: EC2's, IAM's and Logs' on first use, Lambda's
 * when the first Lambda client is built (or its commands' module is loaded).
 *
 * Why not `await import(...)`: the SDK's packages are CommonJS bundles (EC2's is 2 MB), and an ESM
 * import of one first runs Node's CommonJS export lexer over the whole file, then evaluates it, all
 * on the event loop. `require` only evaluates it: 30-45 % less time (EC2 1.7-2.2 s against 2.7-4.0 s,
 * IAM 0.6 against 1.0 s on the shared 2-core machine of docs/benchmarks.md), and that time is a
 * stall of every lane of the thread, or the tail of the crawl. Every place that loads one of these
 * packages must go through here: a later `import()` of a package loaded by `require` runs the
 * lexer again. Elsewhere only type imports of them (`import type`), which the build erases.
 */
import { createRequire } from 'node:module';
import type * as CloudWatchLogs from '@aws-sdk/client-cloudwatch-logs';
import type * as Ec2 from '@aws-sdk/client-ec2';
import type * as Iam from '@aws-sdk/client-iam';
import type * as Lambda from '@aws-sdk/client-lambda';

const require = createRequire(import.meta.url);

export const loadEc2Sdk = (): typeof Ec2 => require('@aws-sdk/client-ec2') as typeof Ec2;

export const loadIamSdk = (): typeof Iam => require('@aws-sdk/client-iam') as typeof Iam;

export const loadLogsSdk = (): typeof CloudWatchLogs =>
  require('@aws-sdk/client-cloudwatch-logs') as typeof CloudWatchLogs;

/**
 * Lambda's: 0.2 s imported as ESM on the shared machine against 0.1 s required, all of it before a
 * crawl's first request (docs/benchmarks.md, "Start-up").
 */
export const loadLambdaSdk = (): typeof Lambda => require('@aws-sdk/client-lambda') as typeof Lambda;
