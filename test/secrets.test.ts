// Secrets never leave the process: no environment value, presigned code URL, session token or
// hash key appears in any output, log line or error message.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { withSimulator } from './helpers/sim.js';
import { tempDir } from './helpers/temp.js';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('secrets', () => {
  it('appear in no output, file or log line, even with faults producing error messages', async () => {
    const sessionToken = 'IQoJb3JpZ2luX2VjECANARYSESSIONTOKEN0123456789abcdefghij';
    const secretKey = 'wJalrXUtnFEMI/K7MDENG/CANARYSECRETKEY01';
    const hashKey = 'canary-hash-key-never-printed-0123';
    await withSimulator(
      {
        fleet: { functions: 120, regions: ['us-east-1', 'eu-west-1'] },
        faults: { serverErrorRate: 0.05, resetRate: 0.02, vanishRate: 0.05, denyRate: 0.05 },
      },
      async (sim, endpoint) => {
        const cwd = tempDir('la-secrets-');
        const env = {
          AWS_ACCESS_KEY_ID: 'ASIACANARYACCESSKEY1',
          AWS_SECRET_ACCESS_KEY: secretKey,
          AWS_SESSION_TOKEN: sessionToken,
          LAMBDA_AUDIT_ENV_HASH_KEY: hashKey,
          AWS_ENDPOINT_URL_LAMBDA: endpoint,
        };
        const toFile = await runCli(
          [
            'scan',
            '--regions',
            'us-east-1,eu-west-1',
            '--include-versions',
            '--fail-on',
            'none',
            '--output',
            'snapshot=out/snapshot.json',
            '--output',
            'json=out/report.json',
            '--output',
            'sarif=out/r.sarif',
            '--output',
            'markdown=out/r.md',
            '--output',
            'junit=out/r.xml',
          ],
          { cwd, env },
        );
        const toStdout = await runCli(['scan', '--regions', 'us-east-1,eu-west-1', '--fail-on', 'none'], { cwd, env });
        expect(toFile.code).toBe(3); // denied functions: incomplete, but everything was written
        expect(toStdout.code).toBe(3);

        const outputs = [
          toFile.stdout,
          toFile.stderr,
          toStdout.stdout,
          toStdout.stderr,
          ...filesUnder(cwd).map((f) => readFileSync(f, 'utf8')),
        ];
        const haystack = outputs.join('\n');
        expect(haystack).toContain('hmac-sha256:'); // the env keys are there, hashed

        const secrets = [sessionToken, secretKey, hashKey];
        for (const fn of [...sim.fleet.values()].flatMap((m) => [...m.values()])) {
          secrets.push(...Object.values(fn.configuration.Environment?.Variables ?? {}));
          if (fn.code.Location) {
            const url = new URL(fn.code.Location);
            secrets.push(
              fn.code.Location,
              url.search.slice(1),
              url.searchParams.get('X-Amz-Signature') ?? '',
              url.searchParams.get('X-Amz-Security-Token') ?? '',
            );
          }
        }
        const leaked = secrets.filter((s) => s.length >= 8 && haystack.includes(s));
        expect(leaked).toEqual([]);
        expect(haystack).not.toMatch(/X-Amz-(Signature|Security-Token|Credential)/);
      },
    );
  });
});
