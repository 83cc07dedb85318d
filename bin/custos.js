#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx, so `npm ci` needs no build step for the server and CLI.
import { register } from 'tsx/esm/api';
register();
const { runCli } = await import('../src/cli/program.ts');
await runCli(process.argv);
