// Runs the simulator in its own process, so the benchmark's CPU numbers are the crawler's alone.
// Usage: node --import tsx bench/simulator-child.ts '<SimulatorOptions JSON>'
import { LambdaSimulator, type SimulatorOptions } from '../src/simulator/server.js';

const options = JSON.parse(process.argv[2] ?? '{}') as SimulatorOptions;
const simulator = new LambdaSimulator(options);
const endpoint = await simulator.start();
process.stdout.write(`${JSON.stringify({ endpoint, regions: simulator.regions })}\n`);
process.on('SIGTERM', () => void simulator.stop().then(() => process.exit(0)));
