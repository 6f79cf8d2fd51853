/**
 * IaC benchmark: a 5,000-resource SAM template (functions with Globals, events, URLs, permissions
 * and queues) read, resolved, turned into records and judged by the built-in pack.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

/**
 * The shapes a hostile pull request can commit, each judged in a child process of its own (wall
 * time and peak RSS, which includes Node's ~60 MB and the rule pack): deep nesting, many
 * variants, many resources, long strings, a plan just under the 50 MB cap and a file over it.
 */
export function hostileInputs(): { name: string; file: string; text: () => string }[] {
  const fn = (props: string): string =>
    `Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: python3.12\n      Handler: a.h\n${props}`;
  return [
    {
      name: 'deep nesting: Fn::Join 20,000 deep (JSON)',
      file: 'deep.json',
      text: () => {
        let v = '"x"';
        for (let i = 0; i < 20_000; i++) v = `{"Fn::Join":["",[${v}]]}`;
        return `{"Resources":{"Fn":{"Type":"AWS::Lambda::Function","Properties":{"Runtime":"python3.12","Description":${v}}}}}`;
      },
    },
    {
      name: 'deep nesting: YAML flow sequences 20,000 deep',
      file: 'deep.yaml',
      text: () => fn(`      Description: ${'['.repeat(20_000)}x${']'.repeat(20_000)}\n`),
    },
    {
      name: 'deep nesting: a Terraform plan value 20,000 deep',
      file: 'deep-plan.json',
      text: () =>
        `{"format_version":"1.2","resource_changes":[{"address":"aws_lambda_function.f","mode":"managed","type":"aws_lambda_function","name":"f","change":{"actions":["create"],"after":{"function_name":"f","tags":${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}}}}]}`,
    },
    {
      name: 'many variants: 24 parameters x 8 AllowedValues, 24 Fn::If',
      file: 'variants.yaml',
      text: () => {
        const params = Array.from(
          { length: 24 },
          (_, i) => `  P${i}: { Type: String, Default: a, AllowedValues: [a, b, c, d, e, f, g, h] }`,
        );
        const conds = Array.from({ length: 24 }, (_, i) => `  C${i}: !Equals [!Ref P${i}, b]`);
        const vars = Array.from({ length: 24 }, (_, i) => `          V${i}: !If [C${i}, !Ref P${i}, z]`);
        return `Parameters:\n${params.join('\n')}\nConditions:\n${conds.join('\n')}\n${fn(`      Environment:\n        Variables:\n${vars.join('\n')}\n`)}`;
      },
    },
    {
      name: 'many resources: 20,000 functions',
      file: 'many.yaml',
      text: () =>
        `Resources:\n${Array.from({ length: 20_000 }, (_, i) => `  Fn${i}:\n    Type: AWS::Lambda::Function\n    Properties: { FunctionName: f${i}, Runtime: python3.8, Handler: a.h }`).join('\n')}\n`,
    },
    {
      name: 'long strings: a 40 MB Description',
      file: 'long.yaml',
      text: () => fn(`      Description: ${'A'.repeat(40 * 1024 * 1024)}\n`),
    },
    {
      name: 'a Terraform plan of 48 MB (60,000 resource changes)',
      file: 'plan.json',
      text: () =>
        JSON.stringify({
          format_version: '1.2',
          terraform_version: '1.9.0',
          resource_changes: Array.from({ length: 60_000 }, (_, i) => ({
            address: `aws_lambda_function.f${i}`,
            mode: 'managed',
            type: 'aws_lambda_function',
            name: `f${i}`,
            change: {
              actions: ['create'],
              after: {
                function_name: `f${i}`,
                runtime: 'python3.8',
                description: 'd'.repeat(600),
                tags: { team: 'x' },
              },
              after_unknown: { arn: true },
            },
          })),
        }),
    },
    {
      name: 'over the cap: a 60 MB file',
      file: 'huge.json',
      text: () => `{"Resources":{},"Pad":"${'p'.repeat(60 * 1024 * 1024)}"}`,
    },
  ];
}

export function benchIacHostile(): string[] {
  const rows: string[] = [];
  for (const input of hostileInputs()) {
    const dir = mkdtempSync(join(tmpdir(), 'la-bench-hostile-'));
    try {
      const text = input.text();
      writeFileSync(join(dir, input.file), text);
      const out = execFileSync(process.execPath, ['--import', 'tsx', 'bench/iac-hostile-child.ts', dir, input.file], {
        encoding: 'utf8',
        timeout: 120_000,
      });
      const r = JSON.parse(out.trim().split('\n').pop() ?? '{}') as {
        ms: number;
        maxRssMb: number;
        functions: number;
        outcome: string;
      };
      console.error(`  iac-hostile: ${input.name}: ${r.ms.toFixed(0)} ms, ${r.maxRssMb.toFixed(0)} MB`);
      rows.push(
        `| ${input.name} | ${(Buffer.byteLength(text) / 1024 / 1024).toFixed(1)} | ${r.functions.toLocaleString('en-US')} | ${r.ms.toFixed(0)} | ${r.maxRssMb.toFixed(0)} | ${r.outcome.replace(/\|/g, '\\|').replace(dir, '<tmp>')} |`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return [
    '### Infrastructure as code: hostile inputs',
    '',
    'Each in a child process: load, resolve, judge with the built-in pack. Budget: under 20 s and 1 GB each.',
    '',
    '| input | MB | functions | ms | peak RSS MB | outcome |',
    '|---|---:|---:|---:|---:|---|',
    ...rows,
    '',
  ];
}
