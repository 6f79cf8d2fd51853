// The "Exposure in your own rules" example of docs/policies.md, run as written: the policy,
// URL and invoke-config paths validate, fire, and are not judged where the part was not read.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRuleSet } from '../../../src/policy/load.js';
import { NotJudged, type CompiledRule } from '../../../src/rules/types.js';
import { statementFromPermission } from '../../../src/snapshot/policy.js';
import { AS_OF, record } from '../../helpers/rule-tester.js';
import { repoRoot } from '../../helpers/cli.js';
import { unread } from './unread.js';

function docsExample(): string {
  const docs = readFileSync(join(repoRoot, 'docs/policies.md'), 'utf8');
  const section = docs.slice(docs.indexOf('### Exposure in your own rules'));
  const match = /```yaml\n([\s\S]*?)```/.exec(section);
  if (!match?.[1]) throw new Error('docs/policies.md: no YAML example under "Exposure in your own rules"');
  return match[1];
}

const URL = 'https://abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.on.aws/';
const prod = { env: 'prod' };

describe('exposure paths in user policies (docs example)', () => {
  let rules: Map<string, CompiledRule>;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'la-exposure-'));
    writeFileSync(join(dir, 'exposure.yaml'), docsExample());
    const loaded = await loadRuleSet({ policyFiles: ['exposure.yaml'], builtin: false, asOf: AS_OF, cwd: dir });
    rules = new Map(loaded.map((r) => [r.id, r]));
  });
  const verdict = (id: string, r: ReturnType<typeof record>) => {
    const rule = rules.get(id);
    if (!rule) throw new Error(`no rule ${id}`);
    if (!rule.inScope(r)) return 'out of scope';
    const v = rule.test(r);
    return v instanceof NotJudged ? `not judged: ${v.part.path}` : v === undefined ? 'pass' : rule.message(r, v);
  };

  it('prod-url-without-iam', () => {
    expect(
      verdict('prod-url-without-iam', record({ tags: prod, functionUrl: { FunctionUrl: URL, AuthType: 'NONE' } })),
    ).toBe(`fn has a URL with AuthType NONE: ${URL}`);
    expect(verdict('prod-url-without-iam', record({ tags: prod, functionUrl: { AuthType: 'AWS_IAM' } }))).toBe('pass');
    expect(verdict('prod-url-without-iam', record({ tags: prod }))).toBe('pass'); // no URL
    expect(verdict('prod-url-without-iam', record({ functionUrl: { AuthType: 'NONE' } }))).toBe('out of scope');
    expect(verdict('prod-url-without-iam', unread(record({ tags: prod }), ['functionUrl'], 'skipped'))).toBe(
      'not judged: functionUrl',
    );
  });

  it('wildcard-principal', () => {
    const statements = [
      statementFromPermission({ StatementId: 'partner', Action: 'lambda:InvokeFunction', Principal: '999988887777' }),
      statementFromPermission({
        StatementId: 'org',
        Action: 'lambda:InvokeFunction',
        Principal: '*',
        PrincipalOrgID: 'o-a1b2c3d4e5',
      }),
    ];
    expect(verdict('wildcard-principal', record({ policy: { Statement: statements } }))).toBe(
      'fn has a statement for principal *: partner, org',
    );
    expect(verdict('wildcard-principal', record({ policy: { Statement: statements.slice(0, 1) } }))).toBe('pass');
    expect(verdict('wildcard-principal', unread(record(), ['policy'], 'denied'))).toBe('not judged: policy');
  });

  it('on-failure-not-sqs', () => {
    const onFailure = (Destination: string) =>
      record({ eventInvokeConfig: { DestinationConfig: { OnFailure: { Destination } } } });
    expect(verdict('on-failure-not-sqs', onFailure('arn:aws:sns:us-east-1:111122223333:failures'))).toBe(
      'fn sends failed events to arn:aws:sns:us-east-1:111122223333:failures',
    );
    expect(verdict('on-failure-not-sqs', onFailure('arn:aws:sqs:us-east-1:111122223333:failures'))).toBe('pass');
    expect(verdict('on-failure-not-sqs', record())).toBe('pass');
  });
});

describe('exposure messages', () => {
  it('name the statement and the principal, and nothing else from the policy', async () => {
    const rules = await loadRuleSet({ asOf: AS_OF });
    const marker = 'zz-condition-value-zz';
    const r = record({
      policy: {
        Statement: [
          {
            Sid: 'open',
            Effect: 'Allow',
            Principal: { AWS: ['*'] },
            Action: ['lambda:*'],
            Resource: [`arn:aws:lambda:us-east-1:111122223333:function:${marker}`],
            Condition: { StringNotEquals: { 'aws:SourceVpce': [marker] } },
          },
          {
            Sid: 'partner',
            Effect: 'Allow',
            Principal: { Service: ['sns.amazonaws.com'] },
            Action: ['lambda:InvokeFunction'],
            Condition: { ArnLike: { 'AWS:SourceArn': [`arn:aws:sns:us-east-1:999988887777:${marker}`] } },
          },
        ],
      },
      functionUrl: {
        FunctionUrl: `https://${marker}.lambda-url.us-east-1.on.aws/`,
        AuthType: 'NONE',
        Cors: { AllowOrigins: ['*'] },
      },
    });
    const messages = rules
      .filter((rule) => rule.id.startsWith('function-') && rule.id !== 'function-state-unhealthy')
      .map((rule) => {
        const v = rule.test(r);
        if (v === undefined || v instanceof NotJudged) throw new Error(`${rule.id} did not fire`);
        return rule.message(r, v);
      });
    expect(messages).toHaveLength(4);
    for (const m of messages) expect(m).not.toContain(marker);
    expect(messages.join('\n')).toContain('open (principal *)');
    expect(messages.join('\n')).toContain('partner (principal sns.amazonaws.com)');
  });
});
