// Log groups before deploy: AWS::Logs::LogGroup (CloudFormation, SAM) and aws_cloudwatch_log_group
// (Terraform) matched to their functions by name, by `!Ref` from LoggingConfig.LogGroup, or by a
// `!Sub`/`!Join` naming the function. A function whose group is not in the template is not judged.
import { describe, expect, it } from 'vitest';
import { fired, iacReport, iacSnapshot } from '../helpers/iac.js';

const RULES = ['log-retention-missing', 'log-group-kms-missing'];
const only = (lines: string[]) => lines.filter((l) => RULES.includes(l.split(' ')[0] ?? ''));
const unjudged = (report: Awaited<ReturnType<typeof iacReport>>) =>
  report.notJudged
    .filter((n) => RULES.includes(n.ruleId))
    .map((n) => `${n.ruleId} ${n.path} ${n.reason} ${n.functions.map((a) => a.split(':').pop()).join(',')}`)
    .sort();

describe('--iac: log groups', () => {
  it('CloudFormation and SAM: each function is judged on the log group the template defines for it', async () => {
    const args = ['--iac', 'test/fixtures/iac/logs/template.yaml'];
    const report = await iacReport(args);
    expect(only(fired(report.findings))).toEqual([
      'log-group-kms-missing kept',
      'log-group-kms-missing sam-fn',
      'log-retention-missing forever',
      'log-retention-missing sam-fn',
    ]);
    expect(unjudged(report)).toEqual([
      'log-group-kms-missing logGroup plan-time elsewhere',
      'log-retention-missing logGroup plan-time elsewhere',
    ]);
    const snapshot = await iacSnapshot(args);
    const group = (name: string) => snapshot.functions.find((f) => f.name === name)?.logGroup;
    expect(group('kept')).toEqual({ logGroupName: '/aws/lambda/kept', retentionInDays: 14 });
    expect(group('forever')).toEqual({ logGroupName: '/aws/lambda/forever', kmsKeyId: '(Fn::GetAtt LogKey.Arn)' });
    expect(group('custom')).toEqual({
      logGroupName: '/app/custom',
      retentionInDays: 30,
      kmsKeyId: 'arn:aws:kms:us-east-1:111122223333:key/0c0c0c0c-0000-4000-8000-000000000001',
    });
    expect(group('elsewhere')).toBeUndefined();
  });

  it('Terraform: aws_cloudwatch_log_group by name or by a name built from the function', async () => {
    const args = ['--iac', 'test/fixtures/iac/terraform-logs/plan.json'];
    const report = await iacReport(args);
    expect(only(fired(report.findings))).toEqual([
      'log-group-kms-missing tf-kept',
      // retention_in_days = 0 is "never expire".
      'log-retention-missing tf-forever',
    ]);
    expect(unjudged(report)).toEqual([
      'log-group-kms-missing logGroup plan-time tf-elsewhere',
      'log-retention-missing logGroup plan-time tf-elsewhere',
    ]);
    const snapshot = await iacSnapshot(args);
    const group = (name: string) => snapshot.functions.find((f) => f.name === name)?.logGroup;
    expect(group('tf-kept')).toEqual({
      logGroupName: '/aws/lambda/tf-kept',
      retentionInDays: 14,
    });
    expect(group('tf-forever')?.kmsKeyId).toMatch(/known after apply/);
    expect(group('tf-custom')).toMatchObject({ logGroupName: '/app/tf-custom', retentionInDays: 30 });
  });
});
