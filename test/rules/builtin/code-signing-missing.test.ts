import type { CodeSigningInfo } from '../../../src/snapshot/types.js';
import { record, ruleTester } from '../../helpers/rule-tester.js';

const config = (policy: string): CodeSigningInfo => ({
  CodeSigningConfigArn: `arn:aws:lambda:us-east-1:111122223333:code-signing-config:csc-${policy.toLowerCase()}`,
  UntrustedArtifactOnDeployment: policy,
  AllowedPublishers: { SigningProfileVersionArns: ['arn:aws:signer:us-east-1:111122223333:/signing-profiles/p/v1'] },
});
const image = { PackageType: 'Image' as const, Runtime: undefined };
const denied = {
  path: 'codeSigning',
  reason: 'denied' as const,
  detail: 'lambda:ListCodeSigningConfigs AccessDeniedException',
};

ruleTester('code-signing-missing', {
  valid: [
    record({ codeSigning: config('Enforce') }),
    record({ codeSigning: config('Warn') }), // not-enforced's business
    record({ configuration: image, codeSigning: null }), // image functions cannot use code signing
    record({ configuration: image }), // not read, and not judged either way
    record({ configuration: image, unknown: [denied] }),
  ],
  invalid: [
    { record: record({ codeSigning: null }), messageIncludes: ['fn has no code signing config'] },
    // PackageType absent means Zip.
    { record: record({ codeSigning: null, configuration: { PackageType: 'Zip' } }), vars: { config: 'none' } },
    { record: record({ codeSigning: null, source: 'template' }) },
  ],
  notJudged: [
    { record: record({ unknown: [denied] }), path: 'codeSigning' },
    {
      record: record({ unknown: [{ path: 'codeSigning', reason: 'skipped', detail: '--no-code-signing' }] }),
      path: 'codeSigning',
    },
    { record: record(), path: 'codeSigning' }, // an older snapshot: never read
    { record: record({ source: 'input' }), path: 'codeSigning' },
    {
      record: record({ source: 'template', unknown: [{ path: 'codeSigning', reason: 'plan-time' }] }),
      path: 'codeSigning',
    },
  ],
});
