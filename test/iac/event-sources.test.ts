// Event source mappings before deploy: AWS::Lambda::EventSourceMapping, SAM stream and queue
// events, and Terraform's aws_lambda_event_source_mapping, judged by the same esm-* rules.
import { describe, expect, it } from 'vitest';
import { fired, iacReport, iacSnapshot } from '../helpers/iac.js';

const only = (lines: string[]) => lines.filter((l) => l.startsWith('esm-'));
const unjudged = (report: Awaited<ReturnType<typeof iacReport>>) =>
  report.notJudged
    .filter((n) => n.ruleId.startsWith('esm-'))
    .map((n) => `${n.ruleId} ${n.path} ${n.reason} ${n.functions.map((a) => a.split(':').pop()).join(',')}`)
    .sort();

describe('--iac: event source mappings', () => {
  it('CloudFormation: each mapping judged on its function, a source of the stack in its account', async () => {
    const report = await iacReport(['--iac', 'test/fixtures/iac/event-sources/template.yaml']);
    expect(only(fired(report.findings))).toEqual([
      'esm-cross-account-source partner',
      'esm-failure-destination-missing kafka',
      'esm-failure-destination-missing streams',
      'esm-kafka-unauthenticated kafka',
    ]);
    // The source only the deploy knows: the two rules that need it are not judged on that function.
    expect(unjudged(report)).toEqual([
      'esm-cross-account-source eventSourceMappings.EventSourceArn plan-time unknown-source',
      'esm-failure-destination-missing eventSourceMappings.EventSourceArn plan-time unknown-source',
    ]);
    const message = report.findings.find(
      (f) => f.ruleId === 'esm-failure-destination-missing' && f.functionName === 'streams',
    )?.message;
    expect(message).toContain('ClicksMapping (arn:aws:kinesis:us-east-1:111122223333:stream/Clicks)');
  });

  it('CloudFormation: the record holds the mappings, an alias as the qualifier', async () => {
    const snapshot = await iacSnapshot(['--iac', 'test/fixtures/iac/event-sources/template.yaml']);
    const streams = snapshot.functions.find((f) => f.name === 'streams');
    expect(streams?.eventSourceMappings).toEqual([
      {
        UUID: 'ClicksMapping',
        EventSourceArn: 'arn:aws:kinesis:us-east-1:111122223333:stream/Clicks',
        FunctionArn: 'arn:aws:lambda:us-east-1:111122223333:function:streams',
        State: 'Enabled',
        StartingPosition: 'LATEST',
      },
      {
        UUID: 'OrdersMapping',
        EventSourceArn: 'arn:aws:dynamodb:us-east-1:111122223333:table/Orders/stream/planned',
        FunctionArn: 'arn:aws:lambda:us-east-1:111122223333:function:streams:live',
        Qualifier: 'live',
        State: 'Enabled',
        StartingPosition: 'TRIM_HORIZON',
        DestinationConfig: { OnFailure: { Destination: expect.stringContaining('Failures') } },
      },
    ]);
    // A function with no mapping in the template has none.
    expect(snapshot.functions.find((f) => f.name === 'partner')?.eventSourceMappings).toHaveLength(1);
  });

  it('SAM: Kinesis, SQS, DynamoDB, MSK and SelfManagedKafka events with their DestinationConfig', async () => {
    const report = await iacReport(['--iac', 'test/fixtures/iac/event-sources/sam.yaml']);
    expect(only(fired(report.findings))).toEqual([
      'esm-cross-account-source sam-msk',
      'esm-failure-destination-missing sam-table',
    ]);
    expect(unjudged(report)).toEqual([]);
    const snapshot = await iacSnapshot(['--iac', 'test/fixtures/iac/event-sources/sam.yaml']);
    const kafka = snapshot.functions.find((f) => f.name === 'sam-kafka')?.eventSourceMappings?.[0];
    expect(kafka?.SelfManagedEventSource).toEqual({
      Endpoints: { KAFKA_BOOTSTRAP_SERVERS: ['b1.example.internal:9092'] },
    });
    expect(kafka?.SourceAccessConfigurations?.map((c) => c.Type)).toEqual(['SASL_SCRAM_512_AUTH', 'VPC_SUBNET']);
    const streams = snapshot.functions.find((f) => f.name === 'sam-streams')?.eventSourceMappings ?? [];
    expect(streams.map((m) => `${m.UUID} ${m.EventSourceArn}`)).toEqual([
      'StreamsClicks arn:aws:kinesis:us-east-1:111122223333:stream/Clicks',
      'StreamsJobs arn:aws:sqs:us-east-1:111122223333:Jobs',
    ]);
  });

  // A real plan: test/fixtures/iac/terraform-esm/generate.sh (terraform and the hashicorp/aws provider).
  it('Terraform: aws_lambda_event_source_mapping with destination_config, self_managed_event_source and its access blocks', async () => {
    const report = await iacReport(['--iac', 'test/fixtures/iac/terraform-esm/plan.json']);
    expect(only(fired(report.findings))).toEqual([
      'esm-cross-account-source tf-partner',
      'esm-failure-destination-missing tf-streams',
      'esm-kafka-unauthenticated tf-kafka',
    ]);
    expect(unjudged(report)).toEqual([]);
    const snapshot = await iacSnapshot(['--iac', 'test/fixtures/iac/terraform-esm/plan.json']);
    const of = (name: string) => snapshot.functions.find((f) => f.name === name)?.eventSourceMappings;
    expect(of('tf-none')).toEqual([]);
    // The stream the plan creates: a stand-in ARN in the plan's account, known to be Kinesis.
    expect(of('tf-streams')?.[0]?.EventSourceArn).toBe(
      'arn:aws:kinesis:eu-west-1:123456789012:stream/aws_kinesis_stream.clicks',
    );
    // A destination known only after apply is still a destination.
    expect(of('tf-guarded')?.[0]?.DestinationConfig?.OnFailure?.Destination).toContain('known after apply');
    const kafka = of('tf-kafka')?.[0];
    // Every block (a set: Terraform's order).
    expect(
      [...(kafka?.SourceAccessConfigurations ?? [])].sort((x, y) => (x.Type ?? '').localeCompare(y.Type ?? '')),
    ).toEqual([
      { Type: 'VPC_SECURITY_GROUP', URI: 'security_group:sg-0aaa' },
      { Type: 'VPC_SUBNET', URI: 'subnet:subnet-0aaa' },
    ]);
    expect(kafka?.SelfManagedEventSource).toEqual({
      Endpoints: { KAFKA_BOOTSTRAP_SERVERS: ['b1.example.internal:9092', 'b2.example.internal:9092'] },
    });
    expect(kafka?.Topics).toEqual(['payments']);
  });
});
