/** Named checks: one module each, one line here. Policies refer to them by id (`check: <id>`). */
import type { Check } from '../types.js';
import { capacityProviderMixedTrust } from './capacity-provider-mixed-trust.js';
import { codeSigning } from './code-signing.js';
import { crossAccountInvoke } from './cross-account-invoke.js';
import { envSecret } from './env-secret.js';
import { esmCrossAccountSource, esmFailureDestinationMissing, esmKafkaUnauthenticated } from './event-sources.js';
import { executionRole } from './execution-role.js';
import { exposurePath } from './exposure-path.js';
import { layerCrossAccount } from './layer-cross-account.js';
import { publicInvoke } from './public-invoke.js';
import { publicUrl } from './public-url.js';
import { roleShared } from './role-shared.js';
import { runtimeLifecycle } from './runtime-lifecycle.js';
import { sgEgressUnrestricted } from './sg-egress-unrestricted.js';
import { tagsRequired } from './tags-required.js';
import { vpcSingleAz } from './vpc-single-az.js';

export const checks = {
  'capacity-provider-mixed-trust': capacityProviderMixedTrust,
  'code-signing': codeSigning,
  'cross-account-invoke': crossAccountInvoke,
  'env-secret': envSecret,
  'esm-cross-account-source': esmCrossAccountSource,
  'esm-failure-destination-missing': esmFailureDestinationMissing,
  'esm-kafka-unauthenticated': esmKafkaUnauthenticated,
  'execution-role': executionRole,
  'exposure-path': exposurePath,
  'layer-cross-account': layerCrossAccount,
  'public-invoke': publicInvoke,
  'public-url': publicUrl,
  'role-shared': roleShared,
  'runtime-lifecycle': runtimeLifecycle,
  'sg-egress-unrestricted': sgEgressUnrestricted,
  'tags-required': tagsRequired,
  'vpc-single-az': vpcSingleAz,
} satisfies Record<string, AnyCheck>;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- options are checked against each check's own closed schema before create()
export type AnyCheck = Check<any>;

/**
 * The checks that judge alias records (`source: ListAliases`, `--include-versions`): an alias record
 * holds the alias's resource-based policy and URL only, so the rules that read those judge it.
 */
export const ALIAS_CHECKS: ReadonlySet<string> = new Set(['public-invoke', 'public-url', 'cross-account-invoke']);
