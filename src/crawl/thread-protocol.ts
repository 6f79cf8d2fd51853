/**
 * The messages between the crawl's main thread (`threads.ts`) and a crawler thread
 * (`crawl-thread.ts`). Everything here survives structured cloning: no functions, no class
 * instances beyond what `postMessage` copies (Buffer arrives as Uint8Array, Date as Date).
 */
import type { AwsCredentialIdentity } from '@smithy/types';
import type { AccountRegionJob, ClientSpec } from './account-region.js';
import type { CrawlResult, RegionProgress } from './crawler.js';

/** A job as it travels: credentials that only the main thread can produce are asked for by job id. */
export interface WireJob extends Omit<AccountRegionJob, 'client' | 'key'> {
  readonly client: Omit<ClientSpec, 'credentials' | 'profile'> & {
    /** Static credentials travel as they are; otherwise the thread asks the main thread (`AskCredentials`). */
    readonly credentials?: AwsCredentialIdentity;
  };
  readonly key: { readonly secret: Uint8Array; readonly id: string };
}

export type ToThread =
  | { readonly type: 'crawl'; readonly id: number; readonly job: WireJob; readonly progress: boolean }
  | {
      readonly type: 'credentials';
      readonly request: number;
      readonly identity?: AwsCredentialIdentity;
      /** The provider's error, as a message: the thread rethrows it as the SDK would see it. */
      readonly error?: { readonly name: string; readonly message: string };
    }
  | { readonly type: 'abort' };

export type FromThread =
  | { readonly type: 'progress'; readonly id: number; readonly progress: RegionProgress }
  | { readonly type: 'done'; readonly id: number; readonly result: CrawlResult }
  | {
      readonly type: 'failed';
      readonly id: number;
      readonly error: { readonly name: string; readonly message: string };
    }
  | { readonly type: 'credentials'; readonly request: number; readonly id: number };
