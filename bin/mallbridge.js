#!/usr/bin/env node
// The `mallbridge` command: runs the compiled CLI (npm ci builds it through the `prepare` script).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('mallbridge is not built yet: run `npm run build` (npm ci does it) in the repository\n');
  process.exit(2);
}
const { main } = await import(entry.href);
await main(process.argv);
