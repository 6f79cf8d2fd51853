/**
 * `lambda-audit simulate`: the demo's Lambda API simulator as a standalone server, for trying
 * scans, baselines and drift by hand (the fleet can be changed through /__simulator/ endpoints,
 * see src/simulator/admin.ts). Runs until Ctrl-C.
 */
import { once } from 'node:events';
import { ExitCode } from '../errors.js';
import { LambdaSimulator } from '../simulator/server.js';
import type { CliIo } from './io.js';

export interface SimulateFlags {
  readonly port: number;
  readonly functions: number;
  readonly regions?: string[];
  readonly latency: number;
}

export async function runSimulate(flags: SimulateFlags, io: CliIo): Promise<ExitCode> {
  const simulator = new LambdaSimulator({
    fleet: { functions: flags.functions, ...(flags.regions ? { regions: flags.regions } : {}) },
    latencyMs: flags.latency,
  });
  const endpoint = await simulator.start(flags.port);
  const first = [...(simulator.fleet.values().next().value?.keys() ?? [])][0] ?? 'NAME';
  io.stderr.write(
    [
      `simulated Lambda API at ${endpoint}: ${flags.functions} functions in ${simulator.regions.join(', ')}, account ${simulator.account}, real quotas`,
      'try:',
      `  export AWS_ENDPOINT_URL_LAMBDA=${endpoint} AWS_ACCESS_KEY_ID=demo AWS_SECRET_ACCESS_KEY=demo`,
      `  lambda-audit baseline --regions ${simulator.regions.join(',')}`,
      `  curl -X PATCH ${endpoint}/__simulator/functions/${simulator.regions[0] ?? 'us-east-1'}/${first} -d '{"configuration":{"Runtime":"python3.8","MemorySize":2048}}'`,
      `  lambda-audit scan --regions ${simulator.regions.join(',')} --fail-on-drift`,
      'Ctrl-C stops it.',
      '',
    ].join('\n'),
  );
  if (!io.signal.aborted) await once(io.signal, 'abort');
  await simulator.stop();
  return ExitCode.ok;
}
