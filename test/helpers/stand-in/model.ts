// A stand-in for the model: a local HTTP server that answers the Anthropic Messages API from a script of
// assistant turns, so a real client (Claude Code, its `plugin eval`, any client that takes a base URL)
// runs for real, offline and with no credential: it launches agents, creates worktrees, applies
// permissions and runs commands; only the model's choices are scripted. Every request is recorded.
// Node built-ins only, and type stripping suffices, so plain `node` can import it as well as vitest.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One content block of an assistant turn: text, or a tool call. */
export type Block = { text: string } | { tool: string; input: Record<string, unknown> };

/** What a scripted turn returns to say "nothing to do yet": the turn ends, and the script does not advance. */
export const WAIT = 'wait';

/** Marks an assistant message the script does not count as a turn: a wait, or something done aside. */
const UNCOUNTED = '(stand-in: not a turn)';

/** Blocks to send without advancing the script (to repeat a call that failed for reasons of its own, say). */
export function aside(blocks: Block[]): Block[] {
  return [{ text: UNCOUNTED }, ...blocks];
}

/**
 * A scripted turn: its blocks, or a function of the request it answers (to react to tool results, to use
 * an agent id from a launch), which may also return WAIT (e.g. until a background agent's notification),
 * and may take its time (a promise: the answer waits for it, as a model's does).
 */
export type Turn = Block[] | ((request: MessagesRequest) => Block[] | typeof WAIT | Promise<Block[] | typeof WAIT>);

/**
 * One conversation of the script: the main session or an agent, picked by `when`, text that appears in
 * its opening user messages (the `-p` prompt, an agent's brief) and in no other conversation's. Its `turns` answer its requests in order:
 * the n-th assistant message of the conversation (waits and asides not counted) is `turns[n]`, so one that
 * is resumed (SendMessage) goes on with its next turn.
 */
export interface Conversation {
  name: string;
  when: string;
  turns: Turn[];
}

export interface MessagesRequest {
  model?: string;
  system?: unknown;
  tools?: { name: string; description?: string; input_schema?: unknown }[];
  messages: { role: string; content: string | ContentBlock[] }[];
  stream?: boolean;
  [key: string]: unknown;
}

export interface ContentBlock {
  type: string;
  text?: string;
  id?: string;
  name?: string;
  input?: Record<string, unknown>;
  tool_use_id?: string;
  content?: string | ContentBlock[];
  is_error?: boolean;
}

export interface RecordedRequest {
  /** The conversation it belongs to; undefined for the client's own side calls (titles, summaries). */
  conversation: string | undefined;
  body: MessagesRequest;
  /** When it arrived (ms, monotonic), to tell which conversations overlapped. */
  at: number;
  /** What the script's turn function threw, if it did. */
  error?: string;
}

export interface StandInModel {
  /** For ANTHROPIC_BASE_URL. */
  url: string;
  requests: RecordedRequest[];
  /** Requests of a conversation whose script had no turn left (answered with an end_turn). */
  unscripted: RecordedRequest[];
  close(): Promise<void>;
}

const USAGE = { input_tokens: 10, output_tokens: 5 };

/** The text of a message's content: its text blocks and tool results, nested ones included. */
export function textOf(content: string | ContentBlock[] | undefined): string {
  if (content === undefined) return '';
  if (typeof content === 'string') return content;
  return content.map((block) => block.text ?? textOf(block.content)).join('\n');
}

/** Everything the request shows the model, as text: the system prompt, every message, every tool result. */
export function requestText(request: MessagesRequest): string {
  const system = Array.isArray(request.system)
    ? textOf(request.system as ContentBlock[])
    : String(request.system ?? '');
  return [system, ...request.messages.map((message) => textOf(message.content))].join('\n');
}

/** What opens a conversation: the user messages before the first assistant message (brief, preloaded skills). */
function openingText(request: MessagesRequest): string {
  const end = request.messages.findIndex((message) => message.role === 'assistant');
  return request.messages
    .slice(0, end === -1 ? undefined : end)
    .map((message) => textOf(message.content))
    .join('\n');
}

export interface ToolCall {
  name: string;
  input: Record<string, unknown>;
  /** The result the client sent back; undefined while there is none. */
  result?: { text: string; isError: boolean };
}

/** Every tool call of the conversation so far, in order, with its result. */
export function toolCalls(request: MessagesRequest): ToolCall[] {
  const calls = new Map<string, ToolCall>();
  for (const message of request.messages) {
    if (!Array.isArray(message.content)) continue;
    for (const block of message.content) {
      if (block.type === 'tool_use') calls.set(block.id!, { name: block.name!, input: block.input ?? {} });
      const call = block.type === 'tool_result' ? calls.get(block.tool_use_id!) : undefined;
      if (call) call.result = { text: textOf(block.content), isError: block.is_error === true };
    }
  }
  return [...calls.values()];
}

/** Server-sent events of one streamed assistant message, as the Messages API sends them. */
function streamedMessage(id: string, blocks: Block[]): string {
  const message = { id, type: 'message', role: 'assistant', model: 'stand-in', content: [], stop_reason: null };
  const events: [string, Record<string, unknown>][] = [['message_start', { message: { ...message, usage: USAGE } }]];
  for (const [index, block] of blocks.entries()) {
    if ('text' in block) {
      events.push(['content_block_start', { index, content_block: { type: 'text', text: '' } }]);
      events.push(['content_block_delta', { index, delta: { type: 'text_delta', text: block.text } }]);
    } else {
      const call = { type: 'tool_use', id: `toolu_${id}_${index}`, name: block.tool, input: {} };
      events.push(['content_block_start', { index, content_block: call }]);
      const json = JSON.stringify(block.input);
      events.push(['content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: json } }]);
    }
    events.push(['content_block_stop', { index }]);
  }
  const stopReason = blocks.some((block) => 'tool' in block) ? 'tool_use' : 'end_turn';
  events.push(['message_delta', { delta: { stop_reason: stopReason, stop_sequence: null }, usage: USAGE }]);
  events.push(['message_stop', {}]);
  return events.map(([type, data]) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`).join('');
}

/** A plain JSON answer, for calls that do not stream (token counting, small helpers of the client). */
function plainMessage(id: string, text: string): string {
  const message = { id, type: 'message', role: 'assistant', model: 'stand-in', stop_reason: 'end_turn', usage: USAGE };
  return JSON.stringify({ ...message, content: [{ type: 'text', text }], input_tokens: USAGE.input_tokens });
}

/** The blocks that answer `body` in `conversation`; records what could not be answered from the script. */
async function answer(
  conversation: Conversation | undefined,
  body: MessagesRequest,
  recorded: RecordedRequest,
): Promise<Block[]> {
  if (!conversation) return [{ text: 'done' }];
  const taken = body.messages.filter(
    (message) => message.role === 'assistant' && !textOf(message.content).startsWith(UNCOUNTED),
  ).length;
  const turn = conversation.turns[taken];
  if (turn === undefined) {
    recorded.error = `no turn ${taken} in the script of ${conversation.name}`;
    return [{ text: 'done' }];
  }
  try {
    const blocks = typeof turn === 'function' ? await turn(body) : turn;
    return blocks === WAIT ? [{ text: UNCOUNTED }] : blocks;
  } catch (error) {
    // A script that throws ends its conversation; the error is kept for the test to report.
    recorded.error = `${conversation.name}, turn ${taken}: ${error}`;
    return [{ text: `stand-in script error: ${error}` }];
  }
}

/** Starts the stand-in on a free port of 127.0.0.1. */
export async function startStandInModel(conversations: Conversation[]): Promise<StandInModel> {
  const requests: RecordedRequest[] = [];
  const unscripted: RecordedRequest[] = [];
  let served = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      const id = `msg_stand_in_${++served}`;
      let body: MessagesRequest;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = { messages: [] };
      }
      const isMessages = request.method === 'POST' && /^\/v1\/messages(\?|$)/.test(request.url ?? '');
      if (!isMessages || !Array.isArray(body.messages) || body.stream !== true) {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(plainMessage(id, 'done'));
        return;
      }
      const opening = openingText(body);
      const matching = conversations.filter((candidate) => opening.includes(candidate.when));
      const conversation = matching.length === 1 ? matching[0] : undefined;
      const recorded: RecordedRequest = { conversation: conversation?.name, body, at: performance.now() };
      requests.push(recorded);
      if (matching.length > 1)
        recorded.error = `opened by the markers of ${matching.map(({ name }) => name).join(' and ')}`;
      const blocks = await answer(conversation, body, recorded);
      if (recorded.error) unscripted.push(recorded);
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.end(streamedMessage(id, blocks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    unscripted,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
