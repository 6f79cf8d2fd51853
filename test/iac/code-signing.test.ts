// Code signing before deploy: AWS::Lambda::CodeSigningConfig and the function's CodeSigningConfigArn
// (CloudFormation, SAM), aws_lambda_code_signing_config and code_signing_config_arn (Terraform plan).
import { describe, expect, it } from 'vitest';
import { fired, iacReport, iacSnapshot } from '../helpers/iac.js';

const RULES = ['code-signing-missing', 'code-signing-not-enforced'];
const only = (lines: string[]) => lines.filter((l) => RULES.includes(l.split(' ')[0] ?? ''));
const unjudged = (report: Awaited<ReturnType<typeof iacReport>>) =>
  report.notJudged
    .filter((n) => RULES.includes(n.ruleId))
    .map((n) => `${n.ruleId} ${n.path} ${n.reason} ${n.functions.map((a) => a.split(':').pop()).join(',')}`)
    .sort();

describe('--iac: code signing', () => {
  it('CloudFormation: the template config is resolved (Ref and GetAtt), an external one is unknown', async () => {
    const report = await iacReport(['--iac', 'test/fixtures/iac/code-signing/template.yaml']);
    expect(only(fired(report.findings))).toEqual([
      'code-signing-missing unsigned',
      // No CodeSigningPolicies: CloudFormation's default, Warn.
      'code-signing-not-enforced warned',
    ]);
    expect(unjudged(report)).toEqual([
      'code-signing-missing codeSigning plan-time elsewhere',
      'code-signing-not-enforced codeSigning plan-time elsewhere',
    ]);
    const snapshot = await iacSnapshot(['--iac', 'test/fixtures/iac/code-signing/template.yaml']);
    const byName = new Map(snapshot.functions.map((f) => [f.name, f]));
    expect(byName.get('enforced')?.codeSigning).toEqual({
      // The stack's account is not known here (a role of the template): the placeholder account.
      CodeSigningConfigArn: expect.stringMatching(/^arn:aws:lambda:us-east-1:\d{12}:code-signing-config:Enforcing$/),
      UntrustedArtifactOnDeployment: 'Enforce',
      AllowedPublishers: {
        SigningProfileVersionArns: ['arn:aws:signer:us-east-1:111122223333:/signing-profiles/release/abc123'],
      },
    });
    expect(byName.get('unsigned')?.codeSigning).toBeNull();
    expect(byName.get('image')?.codeSigning).toBeNull();
    expect(byName.get('elsewhere')?.codeSigning).toBeUndefined();
  });

  it('SAM: the function CodeSigningConfigArn', async () => {
    const report = await iacReport(['--iac', 'test/fixtures/iac/code-signing/sam.yaml']);
    expect(only(fired(report.findings))).toEqual([
      'code-signing-missing sam-unsigned',
      'code-signing-not-enforced sam-warned',
    ]);
    expect(unjudged(report)).toEqual([]);
  });

  it('Terraform: a config of the plan is followed by reference; a literal ARN of another stack is unknown', async () => {
    const report = await iacReport(['--iac', 'test/fixtures/iac/code-signing/terraform/plan.json']);
    expect(only(fired(report.findings))).toEqual([
      'code-signing-missing tf-unsigned',
      'code-signing-not-enforced tf-warned',
    ]);
    expect(unjudged(report)).toEqual([
      'code-signing-missing codeSigning plan-time tf-elsewhere',
      'code-signing-not-enforced codeSigning plan-time tf-elsewhere',
    ]);
    const snapshot = await iacSnapshot(['--iac', 'test/fixtures/iac/code-signing/terraform/plan.json']);
    const enforced = snapshot.functions.find((f) => f.name === 'tf-enforced');
    expect(enforced?.codeSigning).toMatchObject({
      CodeSigningConfigArn: expect.stringContaining(':code-signing-config:aws_lambda_code_signing_config.enforce'),
      UntrustedArtifactOnDeployment: 'Enforce',
    });
  });
});
