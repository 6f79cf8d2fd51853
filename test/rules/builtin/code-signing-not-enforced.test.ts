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

ruleTester('code-signing-not-enforced', {
  valid: [
    record({ codeSigning: config('Enforce') }),
    record({ codeSigning: null }), // missing's business
    record({ configuration: image, codeSigning: config('Warn') }),
  ],
  invalid: [
    {
      record: record({ codeSigning: config('Warn') }),
      messageIncludes: ['code-signing-config:csc-warn', 'only warns (Warn)'],
      vars: { policy: 'Warn' },
    },
  ],
  notJudged: [
    { record: record({ unknown: [denied] }), path: 'codeSigning' },
    { record: record(), path: 'codeSigning' },
  ],
});
