// One function, five descriptions: SAM, CloudFormation JSON, a cdk.out, a Terraform plan (made by
// the real terraform, see test/fixtures/iac/same/terraform/generate.sh) and the live function
// crawled from the simulator through the real SDK. Every one yields the same findings.
import { describe, expect, it } from 'vitest';
import type { Fleet } from '../../src/simulator/fleet.js';
import { loadRuleSet } from '../../src/policy/load.js';
import { evaluate } from '../../src/rules/evaluate.js';
import type { Finding } from '../../src/rules/types.js';
import { iacReport } from '../helpers/iac.js';
import { repoRoot } from '../helpers/cli.js';
import { crawlSimulator, withSimulator } from '../helpers/sim.js';

const AS_OF = new Date('2026-11-22T00:00:00Z');
const LAYER = 'arn:aws:lambda:eu-west-1:999988887777:layer:vendor-apm-agent:12';

/** The deployed function, as GetFunction returns it. */
function deployedFleet(): Fleet {
  const arn = 'arn:aws:lambda:eu-west-1:123456789012:function:same-fn';
  return new Map([
    [
      'eu-west-1',
      new Map([
        [
          'same-fn',
          {
            configuration: {
              FunctionName: 'same-fn',
              FunctionArn: arn,
              Runtime: 'nodejs16.x',
              Handler: 'index.handler',
              Role: 'arn:aws:iam::123456789012:role/same',
              MemorySize: 256,
              Timeout: 30,
              Version: '$LATEST',
              PackageType: 'Zip',
              Architectures: ['x86_64'],
              EphemeralStorage: { Size: 512 },
              TracingConfig: { Mode: 'PassThrough' },
              LoggingConfig: { LogFormat: 'Text', LogGroup: '/aws/lambda/same-fn' },
              Layers: [{ Arn: LAYER, CodeSize: 1000 }],
              Environment: { Variables: { API_TOKEN: 'ghp_0123456789abcdefghijklmnopqrstuvwxyzAB', MODE: 'live' } },
              State: 'Active',
              LastUpdateStatus: 'Successful',
            },
            code: { RepositoryType: 'S3' },
            tags: { team: 'payments' },
            versions: [],
            aliases: [],
          },
        ],
      ]),
    ],
  ]);
}

/** What a rule said about the function: the rule and its message (which names the function). */
const said = (findings: readonly Finding[]): string[] => findings.map((f) => `${f.ruleId}: ${f.message}`).sort();

const described = [
  ['SAM', 'test/fixtures/iac/same/sam.yaml'],
  ['CloudFormation JSON', 'test/fixtures/iac/same/cfn.json'],
  ['cdk.out', 'test/fixtures/iac/same/cdk.out'],
  ['Terraform plan', 'test/fixtures/iac/same/terraform/plan.json'],
] as const;

describe('the same function in every format', () => {
  it('yields the same findings as the crawled function', async () => {
    const crawled = await withSimulator({ fleet: deployedFleet() }, async (sim, endpoint) => {
      const result = await crawlSimulator(sim, endpoint);
      const rules = await loadRuleSet({ builtin: true, asOf: AS_OF, cwd: repoRoot });
      return evaluate(result.functions, rules).findings;
    });
    const expected = said(crawled);
    // The fixture exercises configuration rules of every kind: this is not an empty comparison.
    expect(expected.map((s) => s.split(':')[0])).toEqual([
      'code-signing-missing',
      'dlq-missing',
      'env-kms-cmk-missing',
      'env-secret-suspected',
      'layer-cross-account',
      'log-format-text',
      'runtime-deprecated',
      'tags-required',
      'tracing-disabled',
      'vpc-missing',
    ]);
    for (const [format, path] of described) {
      const { findings } = await iacReport(['--iac', path]);
      expect(said(findings), format).toEqual(expected);
    }
  });
});
