// The stand-in model on its own (no client): what it streams, how it counts a conversation's turns, and the
// helper that launches an agent again when its worktree could not be made.
import { afterEach, describe, expect, it } from 'vitest';
import { relaunchingFailed } from '../helpers/stand-in/claude-code.js';
import { aside, type MessagesRequest, type StandInModel, startStandInModel, WAIT } from '../helpers/stand-in/model.js';

let model: StandInModel | undefined;
afterEach(async () => {
  await model?.close();
  model = undefined;
});

/** Posts `messages` as a streamed Messages request; returns the events' data, parsed. */
async function ask(messages: MessagesRequest['messages']): Promise<Record<string, any>[]> {
  const response = await fetch(`${model!.url}/v1/messages`, {
    method: 'POST',
    body: JSON.stringify({ model: 'x', stream: true, messages }),
  });
  expect(response.headers.get('content-type')).toBe('text/event-stream');
  return (await response.text())
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => JSON.parse(line.slice(6)));
}

const user = (text: string) => ({ role: 'user', content: text });
const assistant = (text: string) => ({ role: 'assistant', content: [{ type: 'text', text }] });

describe('the stand-in model', () => {
  it('streams a scripted tool call as the Messages API does, and stops for the tool', async () => {
    model = await startStandInModel([{ name: 'main', when: 'HELLO', turns: [[{ tool: 'Read', input: { a: 1 } }]] }]);
    const events = await ask([user('HELLO there')]);
    expect(events.map((event) => event.type)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(events[1].content_block).toMatchObject({ type: 'tool_use', name: 'Read', input: {} });
    expect(JSON.parse(events[2].delta.partial_json)).toEqual({ a: 1 });
    expect(events[4].delta.stop_reason).toBe('tool_use');
    expect(model.requests.map((request) => request.conversation)).toEqual(['main']);
  });

  it('counts neither waits nor asides as turns; a turn may take its time', async () => {
    model = await startStandInModel([
      { name: 'waits', when: 'WAITING', turns: [() => WAIT] },
      { name: 'counts', when: 'COUNT', turns: [[{ text: 'first' }], async () => [{ text: 'second' }]] },
    ]);
    const marker = (await ask([user('WAITING')]))[2].delta.text;
    expect(aside([{ text: 'by the way' }])).toEqual([{ text: marker }, { text: 'by the way' }]);
    expect((await ask([user('COUNT')]))[2].delta.text).toBe('first');
    const history = [user('COUNT'), assistant(marker), assistant(`${marker}\nby the way`), assistant('first')];
    expect((await ask([...history, user('next')]))[2].delta.text).toBe('second');
  });

  it('records what it could not answer: no turn left, a script that threw, two conversations that match', async () => {
    model = await startStandInModel([
      {
        name: 'one',
        when: 'ONE',
        turns: [
          [{ text: 'ok' }],
          () => {
            throw new Error('broken');
          },
        ],
      },
      { name: 'both', when: 'ONE TWO', turns: [] },
    ]);
    await ask([user('ONE')]);
    await ask([user('ONE'), assistant('ok'), user('again')]);
    await ask([user('ONE TWO')]);
    expect(model.unscripted.map((request) => request.error)).toEqual([
      'one, turn 1: Error: broken',
      'opened by the markers of one and both',
    ]);
  });
});

describe('relaunchingFailed', () => {
  const launch = { subagent_type: 'engineer', prompt: 'BRIEF', isolation: 'worktree' };
  const request = (result: string, relaunched = false): MessagesRequest => ({
    messages: [
      { role: 'assistant', content: [{ type: 'tool_use', id: 'a', name: 'Agent', input: launch }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'a', content: result, is_error: true }] },
      ...(relaunched
        ? [{ role: 'assistant', content: [{ type: 'tool_use', id: 'b', name: 'Agent', input: launch }] }]
        : []),
    ],
  });
  const next = relaunchingFailed([{ text: 'next' }]) as (request: MessagesRequest) => unknown;

  it('launches again, aside, an agent whose worktree could not be made; then goes on', () => {
    const failed = 'Failed to create worktree: fatal: failed to read .git/worktrees/x/commondir: Success';
    expect(next(request(failed))).toEqual(aside([{ tool: 'Agent', input: launch }]));
    expect(next(request(failed, true))).toEqual([{ text: 'next' }]);
    expect(next(request('Agent type not found'))).toEqual([{ text: 'next' }]);
  });
});
