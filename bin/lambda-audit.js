#!/usr/bin/env node
// The AWS SDK warns on every run under Node 20 that its 2027 releases will need Node 22.
// That is a note for us (README, "Node support"), not for every user of the CLI.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { main } = await import('../dist/cli/main.js');
const code = await main(process.argv);
// Everything `main` does is done when it returns (reports renamed into place, standard output
// drained). Exiting now skips the teardown of a heap that can hold the whole fleet (17 ms of 40
// at 1,500 functions, docs/benchmarks.md); unless a standard stream still holds text (a pipe
// is asynchronous on macOS), which a natural exit writes out first.
if (process.stdout.writableLength === 0 && process.stderr.writableLength === 0) process.exit(code);
process.exitCode = code;
