import { createHash } from 'node:crypto';
import type { Finding } from './types.js';

/**
 * A finding's identity across runs: the rule and the resource (ARN, qualified for versions). Used
 * for accepted findings and SARIF's partialFingerprints, so an alert is tracked, not reopened.
 */
export function fingerprint(finding: Pick<Finding, 'ruleId' | 'arn'>): string {
  return createHash('sha256').update(finding.ruleId).update('\0').update(finding.arn).digest('hex').slice(0, 32);
}
