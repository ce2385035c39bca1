// A stand-in for the Anthropic Messages API on localhost, so the real client can run a whole turn
// offline: its first request that offers the Agent tool is answered with one Agent call, every other
// request with "done". What the client sent is kept, to see what a spawned agent was given.
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ClientResult, claudeBinary, clientEnvironment } from './claude.js';

export interface StandInApi {
  url: string;
  /** Every Messages request body the client sent, parsed. */
  requests: Record<string, unknown>[];
  close(): Promise<void>;
}

const usage = { input_tokens: 10, output_tokens: 5 };

function events(...list: [string, Record<string, unknown>][]): string {
  return list.map(([type, data]) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`).join('');
}

function streamed(block: Record<string, unknown>, delta: Record<string, unknown>, stopReason: string): string {
  return events(
    [
      'message_start',
      {
        message: {
          id: 'msg_stand_in',
          type: 'message',
          role: 'assistant',
          model: 'stand-in',
          content: [],
          stop_reason: null,
          usage,
        },
      },
    ],
    ['content_block_start', { index: 0, content_block: block }],
    ['content_block_delta', { index: 0, delta }],
    ['content_block_stop', { index: 0 }],
    ['message_delta', { delta: { stop_reason: stopReason }, usage }],
    ['message_stop', {}],
  );
}

/** Starts the stand-in; its one Agent call is `agentCall` (e.g. `{ subagent_type: "ai-pack:engineer", ... }`). */
export async function startStandInApi(agentCall: Record<string, unknown>): Promise<StandInApi> {
  const requests: Record<string, unknown>[] = [];
  let called = false;
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const parsed = (() => {
        try {
          return JSON.parse(body) as Record<string, unknown>;
        } catch {
          return {};
        }
      })();
      if (!request.url?.startsWith('/v1/messages') || request.url.includes('count_tokens') || parsed.stream !== true) {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({
            input_tokens: 10,
            id: 'msg_stand_in',
            type: 'message',
            role: 'assistant',
            content: [{ type: 'text', text: 'done' }],
            stop_reason: 'end_turn',
            usage,
          }),
        );
        return;
      }
      requests.push(parsed);
      const offersAgent = ((parsed.tools ?? []) as { name?: string }[]).some((tool) => tool.name === 'Agent');
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      if (offersAgent && !called) {
        called = true;
        response.end(
          streamed(
            { type: 'tool_use', id: 'toolu_stand_in', name: 'Agent', input: {} },
            { type: 'input_json_delta', partial_json: JSON.stringify(agentCall) },
            'tool_use',
          ),
        );
      } else {
        response.end(streamed({ type: 'text', text: '' }, { type: 'text_delta', text: 'done' }, 'end_turn'));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Every string in a request (system prompt, messages, tool results), joined: what the model was shown. */
export function shownText(request: unknown): string {
  if (typeof request === 'string') return request;
  if (Array.isArray(request)) return request.map(shownText).join('\n');
  if (request && typeof request === 'object') return Object.values(request).map(shownText).join('\n');
  return '';
}

/**
 * `claude -p <prompt> <args>` against the stand-in, asynchronously (the stand-in runs in this process).
 * Variables of an outer session are dropped, as in runClaude.
 */
export function runClaudeAgainst(
  api: StandInApi,
  args: string[],
  options: { cwd: string; home: string },
): Promise<ClientResult> {
  const child = spawn(claudeBinary, ['-p', 'go', ...args], {
    cwd: options.cwd,
    env: { ...clientEnvironment(options.home), ANTHROPIC_API_KEY: 'sk-ant-stand-in', ANTHROPIC_BASE_URL: api.url },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
