#!/usr/bin/env node
// `npm run bench -- NAME [args]` runs bench/NAME/index.ts with tsx; every benchmark prints JSON on stdout.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

const [name, ...args] = process.argv.slice(2);
const available = readdirSync(new URL('../bench/', import.meta.url), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- NAME [args]\nbenchmarks: ${available.join(', ')}`);
  process.exit(2);
}
const entry = new URL(`../bench/${name}/index.ts`, import.meta.url);
if (!existsSync(entry)) {
  console.error(`bench/${name}/index.ts is missing`);
  process.exit(2);
}
const result = spawnSync(process.execPath, ['--import', 'tsx', entry.pathname, ...args], { stdio: 'inherit' });
process.exit(result.status ?? 1);
