#!/usr/bin/env node
// The published command. Node's compile cache is turned on here, before the bundle loads: the cache
// covers modules loaded after it is enabled, so a bundle that enabled it itself would never be cached.
// It lives in the user's own folder only (dist/generators/compile-cache.js), never in a shared one.
import { enableCompileCache } from '../dist/generators/compile-cache.js';

enableCompileCache();
await import('../dist/generators/cli.js');
