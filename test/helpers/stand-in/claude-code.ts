// The pinned Claude Code client driven by the stand-in model (./model.ts): `claude -p` in a clean
// environment (nothing of this machine's but PATH and a locale), a throw-away HOME and TMPDIR, a fake
// key, ANTHROPIC_BASE_URL pointing at the stand-in, every other address unreachable, and a timeout.
// The pack comes in as a project install (files in the repository) or a plugin install (a marketplace
// added and the plugin installed into that HOME, offline, as a user does). Also here: reading what the
// client tells the model about background agents (launch results, notifications).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type ClientResult, claudeBinary } from '../claude.js';
import { offline } from '../repo.js';
import { aside, type Block, type MessagesRequest, type StandInModel, type Turn, textOf, toolCalls } from './model.js';

/**
 * The client's whole environment, built from nothing (as `env -i` would). PATH brings git and the Node
 * that runs the tests (an agent's `npm test` needs both); proxies that lead nowhere keep every request
 * but the stand-in's off the network, with the client's own switch for non-essential traffic; git gets
 * an identity so that a scripted `git commit` works.
 */
export function standInEnvironment(home: string, model?: StandInModel): Record<string, string> {
  const tmp = join(home, 'tmp');
  mkdirSync(tmp, { recursive: true });
  const nowhere = 'http://127.0.0.1:9';
  const identity = { NAME: 'Stand-in', EMAIL: 'stand-in@example.invalid' };
  return {
    PATH: [dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':'),
    HOME: home,
    TMPDIR: tmp,
    LANG: 'C.UTF-8',
    SHELL: '/bin/bash',
    NO_COLOR: '1',
    ...(model ? { ANTHROPIC_BASE_URL: model.url, ANTHROPIC_API_KEY: 'sk-ant-stand-in' } : {}),
    HTTP_PROXY: nowhere,
    HTTPS_PROXY: nowhere,
    NO_PROXY: '127.0.0.1,localhost',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    ...Object.fromEntries(
      ['AUTHOR', 'COMMITTER'].flatMap((role) => [
        [`GIT_${role}_NAME`, identity.NAME],
        [`GIT_${role}_EMAIL`, identity.EMAIL],
      ]),
    ),
  };
}

/** Marks `repo` as trusted in `home`, as a user who opened it and accepted the dialog: project allow rules apply. */
export function trustProject(home: string, repo: string): void {
  const file = join(home, '.claude.json');
  let config: { projects?: Record<string, unknown> } = {};
  try {
    config = JSON.parse(readFileSync(file, 'utf8'));
  } catch {}
  config.projects = { ...config.projects, [realpathSync(repo)]: { hasTrustDialogAccepted: true } };
  writeFileSync(file, JSON.stringify(config));
}

/** Adds the marketplace folder and installs `pluginId` from it into `home`, as a user would, with no network. */
export function installPlugin(home: string, marketplace: string, pluginId: string): void {
  for (const args of [
    ['plugin', 'marketplace', 'add', marketplace],
    ['plugin', 'install', pluginId],
  ]) {
    const [command, ...rest] = [...(offline() ?? []), claudeBinary, ...args];
    const result = spawnSync(command, rest, {
      cwd: home,
      env: standInEnvironment(home),
      input: '',
      encoding: 'utf8',
      timeout: 30_000,
    });
    if (result.status !== 0) throw new Error(`claude ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
  }
}

export interface ClaudeRun extends ClientResult {
  /** The stream-json events the client printed, parsed. */
  events: Record<string, unknown>[];
}

/**
 * `claude -p <prompt> --output-format stream-json --verbose <args>` in `cwd` against `model`. Asynchronous,
 * since the stand-in answers from this same process; killed after `timeoutMs`.
 */
export function runClaudeCode(
  model: StandInModel,
  prompt: string,
  options: { cwd: string; home: string; args?: string[]; timeoutMs?: number },
): Promise<ClaudeRun> {
  const args = ['-p', prompt, '--output-format', 'stream-json', '--verbose', ...(options.args ?? [])];
  const child = spawn(claudeBinary, args, {
    cwd: options.cwd,
    env: standInEnvironment(options.home, model),
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: options.timeoutMs ?? 60_000,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status) => {
      const events = stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line));
      resolve({ status, stdout, stderr, events });
    });
  });
}

/** A call of the client's Bash tool, as a scripted turn makes it. */
export function bash(command: string): Block {
  return { tool: 'Bash', input: { command, description: command.slice(0, 40) } };
}

/** The working directory the client told an agent (or the main session) it runs in. */
export function workingDirectory(request: MessagesRequest): string {
  const text = request.messages.map((message) => textOf(message.content)).join('\n');
  const match = /Primary working directory: (\S+)/.exec(text);
  if (!match) throw new Error('the request names no working directory');
  return match[1];
}

export interface Notification {
  taskId: string;
  status: string;
  /** The agent's final message. */
  result: string;
  worktreePath?: string;
  worktreeBranch?: string;
}

/** Every `<task-notification>` the client has delivered to this conversation (in user or system messages), in order. */
export function notifications(request: MessagesRequest): Notification[] {
  const text = request.messages
    .filter((message) => message.role !== 'assistant')
    .map((message) => textOf(message.content))
    .join('\n');
  return [...text.matchAll(/<task-notification>([\s\S]*?)<\/task-notification>/g)].map(([, body]) => {
    const field = (name: string) => new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(body)?.[1];
    return {
      taskId: field('task-id') ?? '',
      status: field('status') ?? '',
      result: field('result') ?? '',
      worktreePath: field('worktreePath'),
      worktreeBranch: field('worktreeBranch'),
    };
  });
}

/**
 * The notifications of the agent launched with `prompt` (the launch result names its id). A launch that failed
 * and was made again (relaunchingFailed) names no id: the one that started is the agent.
 */
export function notificationsOf(request: MessagesRequest, prompt: string): Notification[] {
  const launches = toolCalls(request).filter((call) => call.name === 'Agent' && call.input.prompt === prompt);
  const agentId = launches.map((launch) => /^agentId: (\w+)/m.exec(launch.result?.text ?? '')?.[1]).find(Boolean);
  return agentId === undefined ? [] : notifications(request).filter((notification) => notification.taskId === agentId);
}

/**
 * `turn`, unless a launch failed to make its worktree and was not made again since: then that launch again,
 * aside. The client makes worktrees with `git worktree add`, and two at the same moment can fail ("Failed to
 * create worktree: ... failed to read .../commondir"); an orchestrator launches that agent again.
 */
export function relaunchingFailed(turn: Turn): Turn {
  return (request) => {
    const launched = toolCalls(request).filter((call) => call.name === 'Agent');
    const failed = launched.filter(
      (call, index) =>
        /^Failed to create worktree/.test(call.result?.text ?? '') &&
        !launched.slice(index + 1).some((later) => later.input.prompt === call.input.prompt),
    );
    if (failed.length > 0) return aside(failed.map((call) => ({ tool: 'Agent', input: call.input })));
    return typeof turn === 'function' ? turn(request) : turn;
  };
}
