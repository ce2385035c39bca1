#!/usr/bin/env node
// The published command. Node's compile cache is turned on here, before the bundle loads: the cache
// covers modules loaded after it is enabled, so a bundle that enabled it itself would never be cached.
import module from 'node:module';

module.enableCompileCache?.();
await import('../dist/generators/cli.js');
