/**
 * With `--include-versions`: each alias as a record of its own, holding the alias's resource-based
 * policy (GetPolicy with `Qualifier`, on the GetPolicy lane) and its function URL
 * (GetFunctionUrlConfig with `Qualifier`, on the control-plane lane, only where the policy could
 * grant URL access). API Gateway and console triggers often add their permission to an alias
 * (`AddPermission --qualifier prod`), which a `$LATEST`-only read never sees.
 *
 * An alias record carries the alias ARN (`...:function:name:prod`) so a finding names it; its
 * configuration is only the alias's name and target version (the version's own record holds the
 * rest), and only the rules that read the policy judge it (`ALIAS_CHECKS`, src/rules/checks/index.ts).
 * With `--no-exposure` no alias record is made.
 */
import type { AliasConfiguration } from '@aws-sdk/client-lambda';
import type { FunctionRecord } from '../snapshot/types.js';
import { readExposure, type ExposureDeps } from './exposure.js';
import { withExposure } from './records.js';

/** One record per alias of `latest`'s function, with the alias's policy and URL read. */
export async function aliasRecords(
  deps: ExposureDeps,
  latest: FunctionRecord,
  aliases: readonly AliasConfiguration[],
): Promise<FunctionRecord[]> {
  // With --no-exposure an alias record would hold nothing: there is none.
  if (latest.status === 'vanished' || deps.reads === 'none') return [];
  const functionArn = latest.arn.split(':').slice(0, 7).join(':');
  const named = aliases.filter((a): a is AliasConfiguration & { Name: string } => a.Name !== undefined);
  return Promise.all(
    named.map(async (alias) => {
      const arn = `${functionArn}:${alias.Name}`;
      const exposure = await readExposure(
        deps,
        { FunctionArn: arn, FunctionName: latest.name },
        { invokeConfig: false },
      );
      const weights = alias.RoutingConfig?.AdditionalVersionWeights;
      const record: FunctionRecord = {
        arn,
        account: latest.account,
        region: latest.region,
        name: latest.name,
        qualifier: alias.Name,
        status: 'ok',
        source: 'ListAliases',
        configuration: { FunctionName: latest.name, FunctionArn: arn, Version: alias.FunctionVersion ?? '' },
        aliases: [
          {
            name: alias.Name,
            functionVersion: alias.FunctionVersion ?? '',
            ...(weights && Object.keys(weights).length > 0 ? { additionalVersionWeights: weights } : {}),
          },
        ],
      };
      return withExposure(record, exposure);
    }),
  );
}
