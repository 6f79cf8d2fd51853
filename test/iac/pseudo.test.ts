// Issue 21, CloudFormation: AWS::AccountId is the function's own account even unknown, a resource
// of the same stack is in that account, one subnet is one zone whatever its id, and
// --iac-param AWS::AccountId / AWS::Region give the pipeline's target.
import { describe, expect, it } from 'vitest';
import { fired, iacReport, iacSnapshot } from '../helpers/iac.js';

const TEMPLATE = 'test/fixtures/iac/pseudo/template.yaml';
const notJudgedKeys = (n: readonly { ruleId: string; path: string }[]) => n.map((x) => `${x.ruleId} ${x.path}`);

describe('pseudo parameters and in-stack sources', () => {
  it('without the account and region: exposure judged; what names the region or account is not', async () => {
    const { findings, notJudged } = await iacReport(['--iac', TEMPLATE]);
    expect(fired(findings)).toEqual([
      'code-signing-missing pseudo-worker',
      'vpc-ipv6-dual-stack-disabled pseudo-worker',
      'vpc-single-az pseudo-worker',
    ]);
    // ${AWS::Region} is unknown without --iac-param AWS::Region (the record's region is --regions' guess).
    expect(notJudgedKeys(notJudged)).toEqual([
      'dlq-missing configuration.DeadLetterConfig.TargetArn',
      'layer-cross-account configuration.Layers',
      // No AWS::Logs::LogGroup in the template: the log group is unknown before deploy (docs/iac.md).
      'log-group-kms-missing logGroup',
      'log-retention-missing logGroup',
      // Its security group is not defined in the template: unknown, and it stays so.
      'sg-egress-unrestricted securityGroups',
    ]);
  });

  it('with --iac-param AWS::AccountId and AWS::Region: the vendor layer is another account', async () => {
    const args = [
      '--iac',
      TEMPLATE,
      '--iac-param',
      'AWS::AccountId=111122223333',
      '--iac-param',
      'AWS::Region=eu-west-1',
    ];
    const { findings, notJudged } = await iacReport(args);
    expect(fired(findings)).toEqual([
      'code-signing-missing pseudo-worker',
      'layer-cross-account pseudo-worker',
      'vpc-ipv6-dual-stack-disabled pseudo-worker',
      'vpc-single-az pseudo-worker',
    ]);
    // No log group and a security group the template does not define: unknown before deploy.
    expect(notJudgedKeys(notJudged)).toEqual([
      'log-group-kms-missing logGroup',
      'log-retention-missing logGroup',
      'sg-egress-unrestricted securityGroups',
    ]);
    const [worker] = (await iacSnapshot(args)).functions;
    expect(worker?.arn).toBe('arn:aws:lambda:eu-west-1:111122223333:function:pseudo-worker');
    expect(worker?.configuration.Layers?.[0]?.Arn).toBe('arn:aws:lambda:eu-west-1:111122223333:layer:shared:3');
    expect(worker?.policy?.Statement.map((s) => s.Condition)).toEqual([
      { StringEquals: { 'AWS:SourceAccount': ['111122223333'] } },
      { ArnLike: { 'AWS:SourceArn': ['arn:aws:events:eu-west-1:111122223333:Nightly'] } },
    ]);
  });

  it('refuses an account id that is not 12 digits', async () => {
    await expect(iacReport(['--iac', TEMPLATE, '--iac-param', 'AWS::AccountId=12345'])).rejects.toThrow(/12-digit/);
  });
});
