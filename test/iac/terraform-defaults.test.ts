// Issue 21, Terraform: what the configuration leaves out takes AWS's default, the count of subnets
// is known when their ids are not, and a rule the plan creates ties its permission to the own
// account. The plan is real (test/fixtures/iac/terraform-defaults/generate.sh: terraform and the
// hashicorp/aws provider from a local mirror, offline).
import { describe, expect, it } from 'vitest';
import { fired, iacReport, iacSnapshot } from '../helpers/iac.js';

const PLAN = 'test/fixtures/iac/terraform-defaults/plan.json';

describe('a Terraform plan with defaults, unknown subnet ids and an in-plan event rule', () => {
  it('judges defaults, VPC structure and in-plan sources, and only a written expression is unknown', async () => {
    const { findings, notJudged } = await iacReport(['--iac', PLAN]);
    const exposureAndConfig = fired(findings).filter((f) => !f.startsWith('dlq-missing'));
    expect(exposureAndConfig).toEqual([
      'code-signing-missing tfd-defaults',
      'code-signing-missing tfd-expression',
      'code-signing-missing tfd-vpc',
      'log-format-text tfd-defaults',
      'log-format-text tfd-expression',
      'tracing-disabled tfd-defaults',
      'vpc-ipv6-dual-stack-disabled tfd-vpc',
      'vpc-missing tfd-defaults',
      'vpc-missing tfd-expression',
      'vpc-single-az tfd-vpc',
    ]);
    const judged = (rule: string, fn: string): boolean =>
      !notJudged.some((n) => n.ruleId === rule && n.functions.some((arn) => arn.endsWith(`:function:${fn}`)));
    // tags from the provider's default_tags
    expect(fired(findings)).not.toContain('tags-required tfd-defaults');
    expect(judged('tags-required', 'tfd-defaults')).toBe(true);
    // the permission's source_arn is a rule of this plan
    expect(judged('function-public-access', 'tfd-defaults')).toBe(true);
    expect(judged('function-cross-account-invoke', 'tfd-defaults')).toBe(true);
    // a mode written as an expression known only after apply
    expect(notJudged).toContainEqual(
      expect.objectContaining({
        ruleId: 'tracing-disabled',
        reason: 'plan-time',
        path: 'configuration.TracingConfig.Mode',
        functions: [expect.stringMatching(/:function:tfd-expression$/)],
      }),
    );
    expect(judged('vpc-missing', 'tfd-vpc')).toBe(true);
    // The VPC id is known at deploy: the message does not call it "none".
    const ipv6 = findings.find((f) => f.ruleId === 'vpc-ipv6-dual-stack-disabled');
    expect(ipv6?.message).toContain('(unknown: plan-time)');
  });

  it('keeps the count of unknown subnet ids and the defaults in the record', async () => {
    const snapshot = await iacSnapshot(['--iac', PLAN]);
    const byName = new Map(snapshot.functions.map((f) => [f.name, f]));
    const vpc = byName.get('tfd-vpc');
    expect(vpc?.configuration.VpcConfig?.SubnetIds).toHaveLength(1);
    expect(vpc?.unknown?.map((u) => u.path)).toContain('configuration.VpcConfig.SubnetIds[*]');
    expect(byName.get('tfd-defaults')?.configuration).toMatchObject({
      TracingConfig: { Mode: 'PassThrough' },
      LoggingConfig: { LogFormat: 'Text', LogGroup: '/aws/lambda/tfd-defaults' },
    });
    expect(byName.get('tfd-defaults')?.tags).toEqual({
      team: 'platform',
      owner: 'platform@example.com',
      'cost-center': 'cc-0001',
    });
    const condition = byName.get('tfd-defaults')?.policy?.Statement[0]?.Condition;
    expect(condition?.ArnLike?.['AWS:SourceArn']?.[0]).toMatch(
      /^arn:aws:cloudwatch:eu-west-1:\d{12}:aws_cloudwatch_event_rule\.nightly$/,
    );
  });
});
