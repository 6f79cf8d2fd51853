#!/usr/bin/env node
// The AWS SDK warns on every run under Node 20 that its 2027 releases will need Node 22.
// That is a note for us (README, "Node support"), not for every user of the CLI.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { main } = await import('../dist/cli/main.js');
process.exitCode = await main(process.argv);
