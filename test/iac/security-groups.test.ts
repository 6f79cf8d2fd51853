// Security groups before deploy: AWS::EC2::SecurityGroup (with and without SecurityGroupEgress,
// which AWS then fills with the default all-traffic egress), AWS::EC2::SecurityGroupEgress, and
// groups outside the template (unknown, and they stay so).
import { describe, expect, it } from 'vitest';
import { fired, iacReport, iacSnapshot } from '../helpers/iac.js';
import { schemaErrors } from '../helpers/schemas.js';

const RULE = 'sg-egress-unrestricted';
const only = (lines: string[]) => lines.filter((l) => l.startsWith(`${RULE} `));
const unjudged = (report: Awaited<ReturnType<typeof iacReport>>) =>
  report.notJudged
    .filter((n) => n.ruleId === RULE)
    .map((n) => `${n.path} ${n.reason} ${n.functions.map((a) => a.split(':').pop()).join(',')}`)
    .sort();

describe('--iac: security groups', () => {
  it('CloudFormation: the default egress, an egress resource and a proxy fire; narrow groups do not', async () => {
    const report = await iacReport(['--iac', 'test/fixtures/iac/security-groups/template.yaml']);
    expect(only(fired(report.findings))).toEqual([
      `${RULE} default-open`,
      // On a capacity provider of the template: judged on the provider's group.
      `${RULE} on-provider`,
      `${RULE} proxied`,
      `${RULE} widened`,
    ]);
    // The group outside the template is not seen: the function is not judged, and no-vpc has no group.
    expect(unjudged(report)).toEqual(['securityGroups not-in-input external']);
  });

  it('CloudFormation: the record holds the template groups keyed as the function names them', async () => {
    const snapshot = await iacSnapshot(['--iac', 'test/fixtures/iac/security-groups/template.yaml']);
    expect(schemaErrors('snapshot', snapshot)).toBeUndefined();
    const byName = (name: string) => snapshot.functions.find((f) => f.name === name);
    const open = byName('default-open');
    const [id = ''] = open?.configuration.VpcConfig?.SecurityGroupIds ?? [];
    expect(open?.securityGroups).toEqual({
      [id]: {
        GroupId: id,
        VpcId: 'vpc-0aaa',
        egress: [
          { IpProtocol: '-1', IpRanges: ['0.0.0.0/0'] },
          { IpProtocol: '-1', Ipv6Ranges: ['::/0'] },
        ],
      },
    });
    const widened = byName('widened');
    expect(Object.values(widened?.securityGroups ?? {})[0]?.egress).toEqual([
      { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: ['10.0.0.0/8'] },
      { IpProtocol: '-1', Ipv6Ranges: ['::/0'] },
    ]);
    const restricted = Object.values(byName('restricted')?.securityGroups ?? {})[0];
    expect(restricted?.egress?.[1]).toMatchObject({ IpProtocol: '-1', UserIdGroupPairs: [expect.any(String)] });
    expect(Object.keys(byName('external')?.securityGroups ?? {})).toHaveLength(1);
    expect(byName('no-vpc')?.securityGroups).toBeUndefined();
  });

  it('allowedGroups by name leaves the proxy out', async () => {
    const report = await iacReport([
      '--iac',
      'test/fixtures/iac/security-groups/template.yaml',
      '--config',
      'test/fixtures/policies/sg-egress-proxy-allowed.yaml',
    ]);
    expect(only(fired(report.findings))).toEqual([`${RULE} default-open`, `${RULE} on-provider`, `${RULE} widened`]);
  });

  it('SAM: a function on a default-egress group fires, one on a closed group does not', async () => {
    const report = await iacReport(['--iac', 'test/fixtures/iac/security-groups/sam.yaml']);
    expect(only(fired(report.findings))).toEqual([`${RULE} sam-open`]);
    expect(unjudged(report)).toEqual([]);
  });
});

describe('--iac: Terraform security groups', () => {
  // A real plan: test/fixtures/iac/terraform-sg/generate.sh (terraform and the AWS provider, offline).
  const PLAN = 'test/fixtures/iac/terraform-sg/plan.json';

  it('fires on open egress blocks and separate egress rules; a group without egress lets nothing out', async () => {
    const report = await iacReport(['--iac', PLAN]);
    expect(only(fired(report.findings))).toEqual([`${RULE} tf-open`, `${RULE} tf-widened`]);
    // The literal group is not in the plan: unknown, and it stays so.
    expect(unjudged(report)).toEqual(['securityGroups not-in-input tf-external']);
  });

  it('names the groups the plan creates by their address, with their egress', async () => {
    const snapshot = await iacSnapshot(['--iac', PLAN]);
    expect(schemaErrors('snapshot', snapshot)).toBeUndefined();
    const byName = (name: string) => snapshot.functions.find((f) => f.name === name);
    expect(byName('tf-closed')?.configuration.VpcConfig?.SecurityGroupIds).toEqual(['aws_security_group.closed']);
    expect(byName('tf-closed')?.securityGroups).toEqual({
      'aws_security_group.closed': { GroupId: 'aws_security_group.closed', GroupName: 'closed', egress: [] },
    });
    expect(byName('tf-restricted')?.securityGroups?.['aws_security_group.restricted']?.egress).toEqual([
      { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: ['10.0.0.0/16'] },
    ]);
    expect(byName('tf-widened')?.securityGroups?.['aws_security_group.widened']?.egress).toEqual([
      { IpProtocol: '-1', IpRanges: ['0.0.0.0/0'] },
    ]);
  });
});
