/**
 * Scale benchmark (issue 13): `scan --input` of a 100,000-function snapshot writing the json, sarif
 * and snapshot outputs, run as the CLI in a child process under `/usr/bin/time -v` (peak RSS and
 * wall time of that process alone). The CLI runs from dist/, so it is built first.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const TIME = '/usr/bin/time';

export interface ScaleRow {
  readonly functions: number;
  readonly outputs: string;
  readonly wallS: number;
  readonly cpuS: number;
  /** Undefined without /usr/bin/time. */
  readonly peakRssMb: number | undefined;
  readonly code: number;
  readonly mb: Readonly<Record<string, number>>;
}

function run(command: string, args: readonly string[], cwd: string): Promise<{ code: number; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code: code ?? -1, stderr }));
  });
}

/** `h:mm:ss` or `m:ss.ss` as /usr/bin/time prints elapsed time, in seconds. */
function seconds(text: string): number {
  return text.split(':').reduce((total, part) => total * 60 + Number(part), 0);
}

export async function runScale(functions: number, options: { reportSnapshot?: boolean } = {}): Promise<ScaleRow> {
  const dir = mkdtempSync(join(tmpdir(), 'la-bench-scale-'));
  try {
    const input = join(dir, 'input.json');
    const generated = await run(
      process.execPath,
      ['--import', 'tsx', join(root, 'bench/scale-input.ts'), input, String(functions)],
      root,
    );
    if (generated.code !== 0) throw new Error(`generating the input failed: ${generated.stderr}`);
    const outputs = ['json=out/report.json', 'sarif=out/report.sarif', 'snapshot=out/snapshot.json'];
    const cli = [
      join(root, 'bin/lambda-audit.js'),
      'scan',
      '--input',
      input,
      ...outputs.flatMap((o) => ['--output', o]),
      ...(options.reportSnapshot === true ? ['--report-snapshot'] : []),
      '--as-of',
      '2026-11-30',
      '--fail-on',
      'none',
      '--no-drift',
      '--quiet',
    ];
    const timed = existsSync(TIME);
    const started = performance.now();
    const result = timed
      ? await run(TIME, ['-v', process.execPath, ...cli], dir)
      : await run(process.execPath, cli, dir);
    const wallMs = performance.now() - started;
    const field = (name: string): string | undefined =>
      new RegExp(`^\\s*${name}: (.*)$`, 'm').exec(result.stderr)?.[1]?.trim();
    const rss = field('Maximum resident set size \\(kbytes\\)');
    const elapsed = field('Elapsed \\(wall clock\\) time \\(h:mm:ss or m:ss\\)');
    const cpu = Number(field('User time \\(seconds\\)') ?? NaN) + Number(field('System time \\(seconds\\)') ?? NaN);
    const size = (file: string): number => (existsSync(join(dir, file)) ? statSync(join(dir, file)).size / 1e6 : NaN);
    return {
      functions,
      outputs: `json, sarif, snapshot${options.reportSnapshot === true ? ' (--report-snapshot)' : ''}`,
      wallS: elapsed === undefined ? wallMs / 1000 : seconds(elapsed),
      cpuS: cpu,
      peakRssMb: rss === undefined ? undefined : (Number(rss) * 1024) / 1e6,
      code: result.code,
      mb: {
        input: size('input.json'),
        json: size('out/report.json'),
        sarif: size('out/report.sarif'),
        snapshot: size('out/snapshot.json'),
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchScale(functions = 100_000): Promise<string[]> {
  const built = await run('npx', ['tsc', '-p', 'tsconfig.build.json'], root);
  if (built.code !== 0) throw new Error(`npm run build failed: ${built.stderr}`);
  const rows = [await runScale(functions)];
  const mb = (n: number | undefined): string => (n === undefined || Number.isNaN(n) ? 'n/a' : n.toFixed(0));
  return [
    '### Scale: scan --input',
    '',
    `The CLI (dist/) in a child process${existsSync(TIME) ? ' under `/usr/bin/time -v`' : ' (no /usr/bin/time: no peak RSS)'}: \`scan --input\` of a ${functions.toLocaleString('en')}-function snapshot (${mb(rows[0]?.mb.input)} MB), writing json, sarif and snapshot.`,
    '',
    '| functions | outputs | exit | wall s | CPU s | peak RSS MB | report.json MB | report.sarif MB | snapshot.json MB |',
    '|---:|---|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.functions} | ${r.outputs} | ${r.code} | ${r.wallS.toFixed(1)} | ${r.cpuS.toFixed(1)} | ${mb(r.peakRssMb)} | ${mb(r.mb.json)} | ${mb(r.mb.sarif)} | ${mb(r.mb.snapshot)} |`,
    ),
    '',
    'Targets (issue 13): peak RSS at most 1 GB and wall at most 15 s.',
    '',
  ];
}
