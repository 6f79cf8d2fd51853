/** Named checks: one module each, one line here. Policies refer to them by id (`check: <id>`). */
import type { Check } from '../types.js';
import { crossAccountInvoke } from './cross-account-invoke.js';
import { envSecret } from './env-secret.js';
import { layerCrossAccount } from './layer-cross-account.js';
import { publicInvoke } from './public-invoke.js';
import { publicUrl } from './public-url.js';
import { runtimeLifecycle } from './runtime-lifecycle.js';
import { tagsRequired } from './tags-required.js';

export const checks = {
  'cross-account-invoke': crossAccountInvoke,
  'env-secret': envSecret,
  'layer-cross-account': layerCrossAccount,
  'public-invoke': publicInvoke,
  'public-url': publicUrl,
  'runtime-lifecycle': runtimeLifecycle,
  'tags-required': tagsRequired,
} satisfies Record<string, AnyCheck>;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- options are checked against each check's own closed schema before create()
export type AnyCheck = Check<any>;
