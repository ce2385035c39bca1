/**
 * Node's compile cache, for the published command (bin/generator-ai-pack.js): kept only in the user's own
 * folder (io/user-folder.ts), never in the shared temporary folder, where another user could plant a cache
 * entry whose code would then run as whoever runs the command next. No such folder: no cache.
 */
import module from 'node:module';
import { join } from 'node:path';
import { openUserFolder } from './io/user-folder.js';

export function enableCompileCache(): void {
  // Node before 22.1 has no compile cache; NODE_DISABLE_COMPILE_CACHE is the user's way to turn it off.
  if (!module.enableCompileCache || process.env.NODE_DISABLE_COMPILE_CACHE) return;
  const folder = openUserFolder();
  // The folder's handle stays open for the life of the process: Node writes the cache through it at exit.
  if (!('problem' in folder)) module.enableCompileCache(join(folder.path, 'compile-cache'));
}
