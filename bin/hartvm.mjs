#!/usr/bin/env node
// The hartvm command: loads the TypeScript CLI through tsx and sets the process exit status from its result.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
const status = await main(process.argv.slice(2), {
  stdout: (data) => process.stdout.write(data),
  stderr: (text) => process.stderr.write(text),
  stdin: process.stdin,
});
process.exit(status);
