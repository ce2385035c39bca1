#!/usr/bin/env node
/** The `generator-ai-pack` command (package.json "bin", through bin/generator-ai-pack.js): see ./launcher.ts. */
import { runCli } from './launcher.js';

await runCli(process.argv.slice(2));
