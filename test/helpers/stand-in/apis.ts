// A stand-in for the model APIs of the other coding clients, so that a real client runs offline, with no
// credential, and what it sends the model can be read: the OpenAI Responses API (Codex), Chat Completions
// (Copilot CLI with its own provider, OpenCode) and the Gemini API (Gemini CLI). Every request is recorded;
// the answer is one short assistant text, or, for the first model request, the tool calls it was given (all
// in one reply), whose results then show in the next request. Claude Code's Messages API has its own scripted
// stand-in (./model.ts). Node built-ins only, and type stripping suffices: ./offline-client.ts runs it with
// plain `node` inside a network namespace of its own.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A call the stand-in makes in its first answer; `namespace` for Codex's grouped tools (`multi_agent_v1`). */
export interface ApiToolCall {
  name: string;
  args: Record<string, unknown>;
  namespace?: string;
}

export interface ApiRequest {
  method: string;
  url: string;
  body: unknown;
  /** When it arrived (ms, monotonic). */
  at: number;
}

export interface ApiStandIn {
  /** The server's root, `http://127.0.0.1:<port>`: a client's base URL adds its API's path (`/v1`). */
  url: string;
  requests: ApiRequest[];
  close(): Promise<void>;
}

const TEXT = 'done';
type Json = Record<string, unknown>;

function sse(response: ServerResponse, events: [event: string | undefined, data: unknown][]): void {
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const [event, data] of events)
    response.write(
      `${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`,
    );
  response.end();
}

function json(response: ServerResponse, body: unknown): void {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

/** OpenAI Responses API: one message item, or the function calls; streamed as its events unless `stream` is false. */
function responses(response: ServerResponse, body: Json, calls: ApiToolCall[], n: number): void {
  const usage = {
    input_tokens: 10,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: 1,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: 11,
  };
  const output = calls.length
    ? calls.map((call, index) => ({
        type: 'function_call',
        id: `fc_${n}_${index}`,
        call_id: `call_${n}_${index}`,
        name: call.name,
        ...(call.namespace && { namespace: call.namespace }),
        arguments: JSON.stringify(call.args),
        status: 'completed',
      }))
    : [
        {
          type: 'message',
          id: `msg_${n}`,
          status: 'completed',
          role: 'assistant',
          content: [{ type: 'output_text', text: TEXT, annotations: [] }],
        },
      ];
  const done = {
    id: `resp_${n}`,
    object: 'response',
    created_at: 0,
    model: body.model,
    status: 'completed',
    output,
    usage,
  };
  if (body.stream === false) {
    json(response, done);
    return;
  }
  sse(response, [
    [
      'response.created',
      { type: 'response.created', sequence_number: 0, response: { ...done, status: 'in_progress', output: [] } },
    ],
    ...output.flatMap((item, index): [string, unknown][] => [
      [
        'response.output_item.added',
        { type: 'response.output_item.added', sequence_number: 1 + 2 * index, output_index: index, item },
      ],
      [
        'response.output_item.done',
        { type: 'response.output_item.done', sequence_number: 2 + 2 * index, output_index: index, item },
      ],
    ]),
    ['response.completed', { type: 'response.completed', sequence_number: 1 + 2 * output.length, response: done }],
  ]);
}

/** OpenAI Chat Completions: the text or the tool calls in chunks, then `[DONE]`; one JSON object unless streamed. */
function chat(response: ServerResponse, body: Json, calls: ApiToolCall[], n: number): void {
  const base = { id: `chatcmpl_${n}`, created: 0, model: body.model };
  const usage = { prompt_tokens: 10, completion_tokens: 1, total_tokens: 11 };
  const toolCalls = calls.map((call, index) => ({
    index,
    id: `call_${n}_${index}`,
    type: 'function',
    function: { name: call.name, arguments: JSON.stringify(call.args) },
  }));
  const finish = calls.length ? 'tool_calls' : 'stop';
  if (!body.stream) {
    const message = calls.length
      ? { role: 'assistant', content: null, tool_calls: toolCalls.map(({ index: _, ...call }) => call) }
      : { role: 'assistant', content: TEXT };
    json(response, {
      ...base,
      object: 'chat.completion',
      choices: [{ index: 0, message, finish_reason: finish }],
      usage,
    });
    return;
  }
  const chunk = (delta: Json, finishReason: string | null, extra: Json = {}): [undefined, unknown] => [
    undefined,
    { ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finishReason }], ...extra },
  ];
  const deltas = calls.length
    ? [chunk({ role: 'assistant', content: null, tool_calls: toolCalls }, null)]
    : [chunk({ role: 'assistant', content: '' }, null), chunk({ content: TEXT }, null)];
  sse(response, [...deltas, chunk({}, finish, { usage }), [undefined, '[DONE]']]);
}

/** Gemini API: one candidate with the text or the function calls; server-sent with `alt=sse`, else JSON. */
function gemini(response: ServerResponse, url: string, calls: ApiToolCall[]): void {
  if (url.includes(':countTokens')) {
    json(response, { totalTokens: 10 });
    return;
  }
  const parts = calls.length
    ? calls.map((call) => ({ functionCall: { name: call.name, args: call.args } }))
    : [{ text: TEXT }];
  const answer = {
    candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP', index: 0 }],
    usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 1, totalTokenCount: 11 },
  };
  if (!url.includes(':streamGenerateContent')) json(response, answer);
  else if (url.includes('alt=sse')) sse(response, [[undefined, answer]]);
  else json(response, [answer]);
}

/** Starts the stand-in on a free port of 127.0.0.1; `toolCalls` answer the first model request. */
export async function startApiStandIn({ toolCalls = [] }: { toolCalls?: ApiToolCall[] } = {}): Promise<ApiStandIn> {
  const requests: ApiRequest[] = [];
  let pending = toolCalls;
  let served = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : {};
      } catch {}
      const url = request.url ?? '';
      requests.push({ method: request.method ?? '', url, body, at: performance.now() });
      const fields = typeof body === 'object' && body !== null ? (body as Json) : {};
      const n = ++served;
      if (request.method === 'GET' && /\/models\/?(\?|$)/.test(url))
        return json(response, { object: 'list', data: [{ id: 'stand-in', object: 'model', created: 0 }], models: [] });
      const model =
        request.method === 'POST' && /\/responses|\/chat\/completions|:(stream)?[gG]enerateContent/.test(url);
      const calls = model ? pending : [];
      if (model) pending = [];
      if (/\/responses(\?|$)/.test(url)) return responses(response, fields, calls, n);
      if (/\/chat\/completions(\?|$)/.test(url)) return chat(response, fields, calls, n);
      if (/:(stream)?[gG]enerateContent|:countTokens/.test(url)) return gemini(response, url, calls);
      json(response, {});
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
