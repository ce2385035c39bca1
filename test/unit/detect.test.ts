import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { detectCommands } from '../../generators/lib/project.js';

const dirs: string[] = [];
function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ai-pack-project-'));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const scripts = (s: Record<string, string>) => JSON.stringify({ name: 'x', scripts: s });

describe('detectCommands', () => {
  it('package.json with test and build scripts → npm commands', () => {
    expect(detectCommands(dirWith({ 'package.json': scripts({ test: 'vitest', build: 'tsc' }) }))).toStrictEqual({
      testCommand: 'npm test',
      buildCommand: 'npm run build',
    });
  });

  it('package.json without a build script → no build command; without scripts → neither', () => {
    expect(detectCommands(dirWith({ 'package.json': scripts({ test: 'vitest' }) }))).toStrictEqual({ testCommand: 'npm test', buildCommand: '' });
    expect(detectCommands(dirWith({ 'package.json': '{"name":"x"}' }))).toStrictEqual({ testCommand: '', buildCommand: '' });
  });

  it('unreadable package.json still means Node: the runner\'s usual commands', () => {
    expect(detectCommands(dirWith({ 'package.json': '{ not json' }))).toStrictEqual({ testCommand: 'npm test', buildCommand: 'npm run build' });
  });

  it('pnpm and yarn lockfiles pick the runner (pnpm wins over yarn)', () => {
    const both = { test: 'x', build: 'y' };
    expect(detectCommands(dirWith({ 'package.json': scripts(both), 'pnpm-lock.yaml': '' }))).toStrictEqual({
      testCommand: 'pnpm test',
      buildCommand: 'pnpm run build',
    });
    expect(detectCommands(dirWith({ 'package.json': scripts(both), 'yarn.lock': '' }))).toStrictEqual({
      testCommand: 'yarn test',
      buildCommand: 'yarn run build',
    });
    expect(detectCommands(dirWith({ 'package.json': scripts(both), 'yarn.lock': '', 'pnpm-lock.yaml': '' })).testCommand).toBe('pnpm test');
  });

  it('Cargo, Go, Python and Make projects', () => {
    expect(detectCommands(dirWith({ 'Cargo.toml': '[package]\n' }))).toStrictEqual({ testCommand: 'cargo test', buildCommand: 'cargo build' });
    expect(detectCommands(dirWith({ 'go.mod': 'module x\n' }))).toStrictEqual({ testCommand: 'go test ./...', buildCommand: 'go build ./...' });
    expect(detectCommands(dirWith({ 'pyproject.toml': '[project]\n' }))).toStrictEqual({ testCommand: 'pytest', buildCommand: '' });
    expect(detectCommands(dirWith({ 'setup.py': '' }))).toStrictEqual({ testCommand: 'pytest', buildCommand: '' });
    expect(detectCommands(dirWith({ Makefile: 'test:\n' }))).toStrictEqual({ testCommand: 'make test', buildCommand: 'make' });
  });

  it('package.json takes precedence over other build files', () => {
    expect(detectCommands(dirWith({ 'package.json': scripts({ test: 'x' }), Makefile: '', 'Cargo.toml': '' })).testCommand).toBe('npm test');
  });

  it('an empty folder suggests nothing', () => {
    expect(detectCommands(dirWith({}))).toStrictEqual({});
  });
});
