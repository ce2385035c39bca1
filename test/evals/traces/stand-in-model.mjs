// A stand-in for the Anthropic Messages API that scripts the model's replies, so that the pinned
// client's own eval harness runs a case, writes a real trace and grades it, without a credential
// or a model. It recorded the traces beside this file, and test/evals.test.ts runs it.
//
//   node test/evals/traces/stand-in-model.mjs [--one-by-one] [--port <n>] &   # prints "listening <port>"
//   ANTHROPIC_BASE_URL=http://127.0.0.1:<port> ANTHROPIC_API_KEY=stand-in HOME=$(mktemp -d) \
//     node_modules/@anthropic-ai/claude-code-linux-x64/claude plugin eval <folder holding evals/> \
//     --case fan-out-three-features --runs 1 --ablation none --scaffold --allow-tools Edit Write \
//     --trust-plugin --no-publish --keep-temp        # the trace: <kept run folder>/out/trace.jsonl
//
// The main session launches three Agent calls, all in its first message or one per message
// (--one-by-one); every subagent, and the main session afterwards, answers "done".
import http from 'node:http';

const oneByOne = process.argv.includes('--one-by-one');
const portFlag = process.argv.indexOf('--port');
const port = portFlag === -1 ? 8719 : Number(process.argv[portFlag + 1]);
let messages = 0;

function launch(task) {
  const prompt = `Project root: /tmp/x/repo/. Write src/${task}.js. Done when: npm test passes.`;
  const input = { description: `task ${task}`, prompt, subagent_type: 'general-purpose', run_in_background: true };
  return { type: 'tool_use', name: 'Agent', input };
}

/** Streams one assistant message made of `blocks` as server-sent events. */
function reply(res, blocks, stopReason) {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const id = `msg_standin${++messages}`;
  const send = (type, data) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  const usage = { input_tokens: 10, output_tokens: 1 };
  send('message_start', {
    message: { id, type: 'message', role: 'assistant', model: 'stand-in', content: [], stop_reason: null, usage },
  });
  for (const [index, block] of blocks.entries()) {
    if (block.type === 'text') {
      send('content_block_start', { index, content_block: { type: 'text', text: '' } });
      send('content_block_delta', { index, delta: { type: 'text_delta', text: block.text } });
    } else {
      send('content_block_start', {
        index,
        content_block: { type: 'tool_use', id: `toolu_standin${messages}_${index}`, name: block.name, input: {} },
      });
      send('content_block_delta', {
        index,
        delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input) },
      });
    }
    send('content_block_stop', { index });
  }
  send('message_delta', { delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: 5 } });
  send('message_stop', {});
  res.end();
}

http
  .createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      if (req.method !== 'POST' || !req.url.startsWith('/v1/messages') || req.url.includes('count_tokens')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ input_tokens: 10 }));
        return;
      }
      const request = JSON.parse(body);
      // A subagent's conversation starts with the brief the main session wrote.
      const main = !JSON.stringify(request.messages[0]).includes('Project root:');
      const launched = request.messages.filter((message) => message.role === 'assistant').length;
      const last = request.messages.at(-1).content;
      const afterToolResult = Array.isArray(last) && last.some((block) => block.type === 'tool_result');
      if (main && oneByOne && launched < 3 && (launched === 0 || afterToolResult)) {
        reply(res, [launch(['slugify', 'truncate', 'wrap'][launched])], 'tool_use');
      } else if (main && !oneByOne && launched === 0) {
        reply(
          res,
          [{ type: 'text', text: 'Launching.' }, launch('slugify'), launch('truncate'), launch('wrap')],
          'tool_use',
        );
      } else {
        reply(res, [{ type: 'text', text: 'done' }], 'end_turn');
      }
    });
  })
  .listen(port, '127.0.0.1', function listening() {
    console.log(`listening ${this.address().port}`);
  });
