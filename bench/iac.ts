/**
 * IaC benchmark: a 5,000-resource SAM template (functions with Globals, events, URLs, permissions
 * and queues) read, resolved, turned into records and judged by the built-in pack.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadIac } from '../src/iac/load.js';
import { evaluateSnapshot } from '../src/iac/variants.js';
import { loadRuleSet } from '../src/policy/load.js';
import { envHashKey } from '../src/snapshot/redact.js';

/** Four resources per group: a function (with an S3 event), its queue, a permission, a URL config. */
export function largeTemplate(resources: number): string {
  const lines = [
    "AWSTemplateFormatVersion: '2010-09-09'",
    'Transform: AWS::Serverless-2016-10-31',
    'Parameters:',
    '  Stage: { Type: String, Default: dev, AllowedValues: [dev, prod] }',
    'Conditions:',
    '  IsProd: !Equals [!Ref Stage, prod]',
    'Globals:',
    '  Function:',
    '    Runtime: python3.12',
    '    Handler: app.handler',
    '    Tracing: Active',
    '    Tags: { team: bench, owner: bench@example.com }',
    'Resources:',
  ];
  for (let i = 0; i < resources / 4; i++) {
    lines.push(
      `  Fn${i}:`,
      '    Type: AWS::Serverless::Function',
      '    Properties:',
      `      FunctionName: !Sub fn-${i}-\${Stage}`,
      "      InlineCode: 'def handler(e, c): return {}'",
      `      Runtime: ${i % 10 === 0 ? 'python3.8' : 'python3.12'}`,
      '      LoggingConfig: { LogFormat: JSON, ApplicationLogLevel: !If [IsProd, INFO, DEBUG] }',
      `      Environment: { Variables: { TABLE: table-${i}, TOKEN: ghp_${String(i).padStart(36, 'x')}, QUEUE: !Ref Queue${i} } }`,
      `      DeadLetterQueue: { Type: SQS, TargetArn: !GetAtt Queue${i}.Arn }`,
      `  Queue${i}:`,
      '    Type: AWS::SQS::Queue',
      `  Perm${i}:`,
      '    Type: AWS::Lambda::Permission',
      `    Properties: { Action: lambda:InvokeFunction, FunctionName: !Ref Fn${i}, Principal: s3.amazonaws.com, SourceAccount: '123456789012' }`,
      `  Url${i}:`,
      '    Type: AWS::Lambda::Url',
      `    Properties: { TargetFunctionArn: !GetAtt Fn${i}.Arn, AuthType: AWS_IAM }`,
    );
  }
  return lines.join('\n') + '\n';
}

export async function benchIac(resources = 5_000): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'la-bench-iac-'));
  writeFileSync(join(dir, 'template.yaml'), largeTemplate(resources));
  const key = envHashKey(Buffer.from('bench-key-0123456789'));
  const rules = await loadRuleSet({ builtin: true, asOf: new Date('2026-11-22T00:00:00Z'), cwd: process.cwd() });
  const run = async (): Promise<{ ms: number; cpuMs: number; functions: number; findings: number }> => {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const snapshot = await loadIac(['template.yaml'], {
      cwd: dir,
      key: () => Promise.resolve(key),
      parameters: new Map(),
      defaultRegion: 'us-east-1',
      toolVersion: 'bench',
      now: new Date(),
      log: () => undefined,
    });
    const findings = evaluateSnapshot(snapshot, rules).findings.length;
    const cpu = process.cpuUsage(cpu0);
    return {
      ms: performance.now() - t0,
      cpuMs: (cpu.user + cpu.system) / 1000,
      functions: snapshot.functions.length,
      findings,
    };
  };
  await run(); // warm-up
  const runs = [await run(), await run(), await run()];
  const median = runs.map((r) => r.ms).sort((a, b) => a - b)[1] ?? 0;
  // CPU time as well: on a busy machine the wall time measures the neighbours.
  const cpuMedian = runs.map((r) => r.cpuMs).sort((a, b) => a - b)[1] ?? 0;
  console.error(`  iac: ${resources} resources: median ${median.toFixed(0)} ms`);
  return [
    '### Infrastructure as code',
    '',
    '| resources | functions (x2 variants) | findings | median of 3 (ms) | CPU ms | budget |',
    '|---:|---:|---:|---:|---:|---|',
    `| ${resources.toLocaleString('en-US')} | ${(runs[0]?.functions ?? 0).toLocaleString('en-US')} | ${(runs[0]?.findings ?? 0).toLocaleString('en-US')} | ${median.toFixed(0)} | ${cpuMedian.toFixed(0)} | 1,000 ms |`,
    '',
  ];
}
