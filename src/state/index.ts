/** Findings over time (`--state`): the state, its step from run to run, the file. */
export * from './state.js';
export { parseState, readState, stateChunks, stateFileContent } from './file.js';
