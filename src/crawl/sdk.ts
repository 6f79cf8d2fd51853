/**
 * The AWS SDK clients a crawl loads on first use (every one but Lambda's), by `require`.
 *
 * Why not `await import(...)`: the SDK's packages are CommonJS bundles (EC2's is 2 MB), and an ESM
 * import of one first runs Node's CommonJS export lexer over the whole file, then evaluates it, all
 * on the event loop. `require` only evaluates it: 30-45 % less time (EC2 1.7-2.2 s against 2.7-4.0 s,
 * IAM 0.6 against 1.0 s on the shared 2-core machine of docs/benchmarks.md), and that time is a
 * stall of every lane of the thread, or the tail of the crawl. Every place that loads one of these
 * packages must go through here: a later `import()` of a package loaded by `require` runs the
 * lexer again.
 */
import { createRequire } from 'node:module';
import type * as CloudWatchLogs from '@aws-sdk/client-cloudwatch-logs';
import type * as Ec2 from '@aws-sdk/client-ec2';
import type * as Iam from '@aws-sdk/client-iam';

const require = createRequire(import.meta.url);

export const loadEc2Sdk = (): typeof Ec2 => require('@aws-sdk/client-ec2') as typeof Ec2;

export const loadIamSdk = (): typeof Iam => require('@aws-sdk/client-iam') as typeof Iam;

export const loadLogsSdk = (): typeof CloudWatchLogs =>
  require('@aws-sdk/client-cloudwatch-logs') as typeof CloudWatchLogs;
