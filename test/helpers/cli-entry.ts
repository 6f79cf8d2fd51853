// The CLI from source, as bin/lambda-audit.js runs it from dist, for tests that spawn a process.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { main } = await import('../../src/cli/main.js');
process.exitCode = await main(process.argv);
