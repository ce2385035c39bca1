import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Answers } from './catalogue.js';

type Commands = Pick<Answers, 'testCommand' | 'buildCommand'>;

/**
 * The test and build commands a repository most likely uses, read from its build files, so the
 * defaults pre-approve the right commands for background agents. Nothing recognised: no suggestion
 * (the pack's npm defaults apply).
 */
export function detectCommands(root: string): Partial<Commands> {
  const has = (file: string) => existsSync(join(root, file));
  if (has('package.json')) return nodeCommands(root, has);
  if (has('Cargo.toml')) return { testCommand: 'cargo test', buildCommand: 'cargo build' };
  if (has('go.mod')) return { testCommand: 'go test ./...', buildCommand: 'go build ./...' };
  if (has('pyproject.toml') || has('setup.py')) return { testCommand: 'pytest', buildCommand: '' };
  if (has('Makefile')) return { testCommand: 'make test', buildCommand: 'make' };
  return {};
}

function nodeCommands(root: string, has: (file: string) => boolean): Partial<Commands> {
  const runner = has('pnpm-lock.yaml') ? 'pnpm' : has('yarn.lock') ? 'yarn' : 'npm';
  let scripts: Record<string, unknown> = {};
  try {
    scripts = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts ?? {};
  } catch {
    // A package.json we cannot read still says "Node project": keep the runner's usual commands.
    return { testCommand: `${runner} test`, buildCommand: `${runner} run build` };
  }
  return {
    testCommand: typeof scripts.test === 'string' ? `${runner} test` : '',
    buildCommand: typeof scripts.build === 'string' ? `${runner} run build` : '',
  };
}
