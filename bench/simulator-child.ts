// Runs the simulator in its own process, so the benchmark's CPU numbers are the crawler's alone.
// Usage: node --import tsx bench/simulator-child.ts '<SimulatorOptions JSON>'
// With an IPC channel (`startSimulator`), the parent may ask for the recorded arrivals
// (`recordArrivals`): { type: 'arrivals' } is answered with their times in ms since the epoch, so
// a benchmark can time them against its own clock (`performance.timeOrigin + performance.now()`).
import { LambdaSimulator, type SimulatorOptions } from '../src/simulator/server.js';

const options = JSON.parse(process.argv[2] ?? '{}') as SimulatorOptions;
const simulator = new LambdaSimulator(options);
const endpoint = await simulator.start();
process.stdout.write(`${JSON.stringify({ endpoint, regions: simulator.regions })}\n`);
process.on('SIGTERM', () => void simulator.stop().then(() => process.exit(0)));
process.on('message', (message: { type?: string }) => {
  if (message.type !== 'arrivals') return;
  const arrivals = simulator.arrivals.map((a) => ({ ...a, at: performance.timeOrigin + a.at }));
  simulator.arrivals.length = 0;
  process.send?.({ type: 'arrivals', arrivals });
});
if (process.channel) process.channel.unref(); // the IPC channel alone does not keep the simulator up
