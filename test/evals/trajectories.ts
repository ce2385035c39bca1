// Scripted trajectories for every case of the suite: per case, what a model that does what the case
// wants would do (passes), and the most likely wrong behaviour (fails, on the graders that catch it).
// `claude plugin eval` runs them for real against the stand-in model (./scripted.ts) and its graders
// must tell them apart; test/evals.test.ts asserts the verdicts. Agents write real code and tests where
// the graders read the outcome (a passing suite, files), so the outcome is real too.
import { join } from 'node:path';
import { bash, notifications, workingDirectory } from '../helpers/stand-in/claude-code.js';
import { type Block, type Conversation, type MessagesRequest, type Turn, WAIT } from '../helpers/stand-in/model.js';
import { agentType, orchestratorSkill, type Trajectory } from './scripted.js';

/** A block of the main session, from the request it answers. */
type Step = (request: MessagesRequest) => Block;
/** A block of an agent, from its working directory. */
type AgentStep = (cwd: string) => Block;

const cwd = workingDirectory;
const say =
  (text: string): Step =>
  () => ({ text });
const run =
  (command: string): Step =>
  () =>
    bash(command);
const skill: Step = orchestratorSkill;

/** One message of the main session made of `steps`. */
const turn =
  (...steps: Step[]): Turn =>
  (request) =>
    steps.map((step) => step(request));

/** Waits (the turn ends) until `count` agent results have arrived, then `steps`. */
const afterResults =
  (count: number, ...steps: Step[]): Turn =>
  (request) =>
    notifications(request).length < count ? WAIT : steps.map((step) => step(request));

/** A file of the repository (lines joined), as a Write of the main session or an agent. */
const js = (...lines: string[]) => `${lines.join('\n')}\n`;
const write =
  (path: string, content: string): AgentStep =>
  (dir) => ({ tool: 'Write', input: { file_path: join(dir, path), content } });
const edit =
  (path: string, before: string, after: string): AgentStep =>
  (dir) => ({ tool: 'Edit', input: { file_path: join(dir, path), old_string: before, new_string: after } });
const read =
  (path: string): AgentStep =>
  (dir) => ({ tool: 'Read', input: { file_path: join(dir, path) } });
/** An agent step done by the main session, in its working directory. */
const inRepo =
  (step: AgentStep): Step =>
  (request) =>
    step(cwd(request));

/** The marker an agent's brief carries, which tells the stand-in whose turns to play. */
const marker = (caseName: string, task: string) => `[brief ${caseName}/${task}]`;

/** An agent whose turns are `script`: a step (one tool call a turn, in its working directory) or a text. */
function agent(caseName: string, task: string, script: (AgentStep | string)[]): Conversation {
  return {
    name: `${caseName}/${task}`,
    when: marker(caseName, task),
    turns: script.map((step) =>
      typeof step === 'string' ? [{ text: step }] : (request: MessagesRequest) => [step(cwd(request))],
    ),
  };
}

/** An Agent call in the background, of `type` (a pack role, "Explore"...), its brief ending in the agent's marker. */
function launch(
  caseName: string,
  task: string,
  options: { type: string; description: string; brief: string; extra?: Record<string, unknown> },
): Step {
  return (request) => ({
    tool: 'Agent',
    input: {
      description: options.description,
      prompt: `${options.brief.replaceAll('<root>', cwd(request))}\n${marker(caseName, task)}`,
      subagent_type: ['engineer', 'tester', 'reviewer'].includes(options.type)
        ? agentType(request, options.type)
        : options.type,
      run_in_background: true,
      ...options.extra,
    },
  });
}

/** SendMessage to the agent whose result arrived `index`-th. */
const sendTo =
  (index: number, message: string): Step =>
  (request) => ({
    tool: 'SendMessage',
    input: { to: notifications(request)[index].taskId, summary: message.slice(0, 40), message },
  });

const done = (changed: string) => `Result: done\nChanged: ${changed}\nChecked: \`npm test\` passed`;

// ---------------------------------------------------------------------------------------------
// fan-out-three-features

function fanOutThreeFeatures(): Trajectory[] {
  const name = 'fan-out-three-features';
  const features = {
    slugify: {
      module: js(
        "const LETTERS = { 'ß': 'ss', 'æ': 'ae', 'ø': 'o', 'ł': 'l' };",
        '',
        "export function slugify(text, { separator = '-', maxLength } = {}) {",
        "  const ascii = text.normalize('NFD').replace(/[\\u0300-\\u036f]/g, '').replace(/[ßæøł]/g, (letter) => LETTERS[letter]);",
        '  const words = ascii.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);',
        '  while (maxLength !== undefined && words.length > 1 && words.join(separator).length > maxLength) words.pop();',
        '  return words.join(separator);',
        '}',
      ),
      test: js(
        "import { test } from 'node:test';",
        "import assert from 'node:assert/strict';",
        "import { slugify } from '../src/slugify.js';",
        '',
        "test('transliterates and joins the words', () => {",
        "  assert.equal(slugify('Crème Brûlée à la Straße'), 'creme-brulee-a-la-strasse');",
        '});',
        "test('cuts at the last separator that fits', () => {",
        "  assert.equal(slugify('one two three', { maxLength: 8 }), 'one-two');",
        '});',
      ),
    },
    wrap: {
      module: js(
        "export function wrap(text, width, { indent = '' } = {}) {",
        '  return text',
        '    .split(/\\n\\s*\\n/)',
        '    .map((paragraph) => {',
        '      const lines = [];',
        "      let line = '';",
        '      for (const word of paragraph.split(/\\s+/).filter(Boolean)) {',
        "        const candidate = line ? `${line} ${word}` : `${lines.length > 0 ? indent : ''}${word}`;",
        '        if (candidate.length <= width || !line) line = candidate;',
        '        else {',
        '          lines.push(line);',
        '          line = `${indent}${word}`;',
        '        }',
        '      }',
        '      if (line) lines.push(line);',
        "      return lines.join('\\n');",
        '    })',
        "    .join('\\n\\n');",
        '}',
      ),
      test: js(
        "import { test } from 'node:test';",
        "import assert from 'node:assert/strict';",
        "import { wrap } from '../src/wrap.js';",
        '',
        "test('wraps at spaces', () => {",
        "  assert.equal(wrap('aaa bbb ccc', 7), 'aaa bbb\\nccc');",
        '});',
        "test('keeps paragraphs apart', () => {",
        "  assert.equal(wrap('a b\\n\\nc', 10), 'a b\\n\\nc');",
        '});',
      ),
    },
    table: {
      module: js(
        'export function table(rows, { maxWidth } = {}) {',
        '  const keys = [...new Set(rows.flatMap((row) => Object.keys(row)))];',
        '  const cell = (value) => {',
        "    const text = value === undefined ? '' : String(value);",
        '    return maxWidth !== undefined && text.length > maxWidth ? `${text.slice(0, maxWidth - 1)}…` : text;',
        '  };',
        '  const body = rows.map((row) => keys.map((key) => cell(row[key])));',
        '  const widths = keys.map((key, i) => Math.max(key.length, ...body.map((cells) => cells[i].length)));',
        "  const numeric = keys.map((key) => rows.every((row) => row[key] === undefined || typeof row[key] === 'number'));",
        '  const line = (cells) =>',
        "    cells.map((text, i) => (numeric[i] ? text.padStart(widths[i]) : text.padEnd(widths[i]))).join('  ').trimEnd();",
        "  return [line(keys), widths.map((width) => '-'.repeat(width)).join('  '), ...body.map(line)].join('\\n');",
        '}',
      ),
      test: js(
        "import { test } from 'node:test';",
        "import assert from 'node:assert/strict';",
        "import { table } from '../src/table.js';",
        '',
        "test('aligns text left and numbers right', () => {",
        "  const lines = table([{ name: 'tea', price: 3 }, { name: 'coffee', price: 12 }]).split('\\n');",
        "  assert.equal(lines[1], '------  -----');",
        "  assert.equal(lines[2], 'tea         3');",
        '});',
      ),
    },
  };
  const tasks = Object.keys(features) as (keyof typeof features)[];
  const agents = tasks.map((task) =>
    agent(name, task, [
      write(`src/${task}.js`, features[task].module),
      write(`test/${task}.test.js`, features[task].test),
      done(`src/${task}.js (new), test/${task}.test.js (new)`),
    ]),
  );
  const briefs = tasks.map((task, index) =>
    inRepo(
      write(
        `.ai/tasks/0${index + 1}-${task}.md`,
        `# 0${index + 1}-${task}: src/${task}.js as the user described it\nYou own: src/${task}.js, test/${task}.test.js\nDone when: \`npm test\` passes.\n`,
      ),
    ),
  );
  const launches = tasks.map((task, index) =>
    launch(name, task, {
      type: 'engineer',
      description: `Add ${task}`,
      brief: `Read <root>/.ai/tasks/0${index + 1}-${task}.md and do it.`,
    }),
  );
  const start = turn(skill, inRepo(write('.ai/tasks/.gitignore', '*\n')), ...briefs);
  const fanIn = afterResults(3, run('npm test'));
  const report = turn(say('All three modules are in, each with its tests; the whole suite passes.'));
  return [
    {
      name: 'launched together, then the fan-in',
      expect: 'pass',
      main: [start, turn(...launches), fanIn, report],
      agents,
    },
    {
      name: 'launched one message at a time',
      expect: ['launched-in-one-message'],
      main: [start, ...launches.map((one) => turn(one)), fanIn, report],
      agents,
    },
    {
      name: 'no fan-in: reported without running the suite',
      expect: ['fan-in-runs-the-suite', 'suite-passes-at-the-end'],
      main: [start, turn(...launches), afterResults(3, say('All three agents reported done.'))],
      agents,
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// implement-then-verify

function implementThenVerify(): Trajectory[] {
  const name = 'implement-then-verify';
  const core = write(
    'src/duration.js',
    js(
      'const UNITS = { h: 3600, m: 60, s: 1 };',
      '',
      'export function parseDuration(text) {',
      "  const compact = String(text).replace(/\\s+/g, '');",
      '  if (!/^(\\d+[hms])+$/.test(compact)) throw new RangeError(`not a duration: ${text}`);',
      '  let total = 0;',
      '  for (const [, count, unit] of compact.matchAll(/(\\d+)([hms])/g)) total += Number(count) * UNITS[unit];',
      '  return total;',
      '}',
    ),
  );
  const testFile = js(
    "import { test } from 'node:test';",
    "import assert from 'node:assert/strict';",
    "import { parseDuration } from '../src/duration.js';",
    '',
    "test('adds up the units', () => {",
    "  assert.equal(parseDuration('1h 5m 10s'), 3910);",
    '});',
    "test('rejects what is not a duration', () => {",
    "  assert.throws(() => parseDuration(''), RangeError);",
    "  assert.throws(() => parseDuration('-5s'), RangeError);",
    '});',
  );
  const agents = [
    agent(name, 'engineer', [core, done('src/duration.js (new)')]),
    agent(name, 'tester', [
      write('test/duration.test.js', testFile),
      'Result: done\nAdded: test/duration.test.js\nRan: `npm test`, all passed',
    ]),
    agent(name, 'reviewer', [read('src/duration.js'), 'Result: done\nVerdict: ready\nGood: small and clear.']),
  ];
  const engineer = launch(name, 'engineer', {
    type: 'engineer',
    description: 'Implement parseDuration',
    brief: 'Write parseDuration in <root>/src/duration.js as the user described. Done when: the module exists.',
  });
  const tester = launch(name, 'tester', {
    type: 'tester',
    description: 'Test parseDuration',
    brief: 'Test <root>/src/duration.js in <root>/test/duration.test.js. Done when: `npm test` passes.',
  });
  const reviewer = launch(name, 'reviewer', {
    type: 'reviewer',
    description: 'Review parseDuration',
    brief: 'Review <root>/src/duration.js. Done when: you gave a verdict.',
  });
  const fanIn = (count: number) => afterResults(count, run('npm test'));
  const report = turn(say('parseDuration is in, tested and reviewed.'));
  return [
    {
      name: 'the core written directly, then tester and reviewer together',
      expect: 'pass',
      main: [turn(skill, inRepo(core)), turn(tester, reviewer), fanIn(2), report],
      agents,
    },
    {
      name: 'the core with one engineer, then tester and reviewer together',
      expect: 'pass',
      main: [turn(skill, engineer), afterResults(1, tester, reviewer), fanIn(3), report],
      agents,
    },
    {
      name: 'engineer, tester and reviewer all at once',
      expect: ['core-before-verification'],
      main: [turn(skill, engineer, tester, reviewer), fanIn(3), report],
      agents,
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// independent-failures

function independentFailures(): Trajectory[] {
  const name = 'independent-failures';
  const fixes: Record<string, [string, string, string]> = {
    cart: ['src/cart.js', 'percentOf(sub, vatPercent)', 'percentOf(discounted, vatPercent)'],
    dates: [
      'src/dates.js',
      '  result.setUTCMonth(result.getUTCMonth() + months);\n',
      js(
        '  const day = result.getUTCDate();',
        '  result.setUTCDate(1);',
        '  result.setUTCMonth(result.getUTCMonth() + months);',
        '  result.setUTCDate(Math.min(day, daysInMonth(result.getUTCFullYear(), result.getUTCMonth())));',
      ),
    ],
    names: [
      'src/names.js',
      '  return word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();',
      "  return word\n    .split('-')\n    .map((part) => part.charAt(0).toUpperCase() + part.slice(1).toLowerCase())\n    .join('-');",
    ],
  };
  const agents = Object.entries(fixes).map(([task, [path, before, after]]) =>
    agent(name, task, [read(path), edit(path, before, after), done(path)]),
  );
  const launches = Object.entries(fixes).map(([task, [path]]) =>
    launch(name, task, {
      type: 'engineer',
      description: `Fix the failing ${task} test`,
      brief: `The ${task} test fails; find the cause in <root>/${path} and fix it without changing the test. Done when: \`npm test\` shows no ${task} failure.`,
    }),
  );
  const fanIn = afterResults(3, run('npm test'));
  const report = turn(say('Three causes, three fixes; the whole suite passes.'));
  return [
    {
      name: 'failures read together, one investigator each, then the fan-in',
      expect: 'pass',
      main: [turn(skill, run('npm test')), turn(...launches), fanIn, report],
      agents,
    },
    {
      name: 'investigators launched without reading the failures first',
      expect: ['failures-read-first'],
      main: [turn(skill, ...launches), fanIn, report],
      agents,
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// six-tasks-in-waves

const SIX_MODULES: Record<string, { module: string; test: string }> = {
  iban: {
    module: js(
      'const LENGTHS = { BE: 16, DE: 22, FR: 27, GB: 22, NL: 18 };',
      '',
      'export function isValidIban(text) {',
      "  const iban = String(text).replace(/ /g, '').toUpperCase();",
      '  if (!/^[A-Z]{2}\\d{2}[A-Z0-9]+$/.test(iban) || LENGTHS[iban.slice(0, 2)] !== iban.length) return false;',
      '  const digits = (iban.slice(4) + iban.slice(0, 4)).replace(/[A-Z]/g, (letter) => String(letter.charCodeAt(0) - 55));',
      '  let rest = 0;',
      '  for (const digit of digits) rest = (rest * 10 + Number(digit)) % 97;',
      '  return rest === 1;',
      '}',
    ),
    test: "import { isValidIban } from '../src/iban.js';\n\ntest('checks the check digits', () => {\n  assert.equal(isValidIban('GB82 WEST 1234 5698 7654 32'), true);\n  assert.equal(isValidIban('GB82 WEST 1234 5698 7654 33'), false);\n});",
  },
  isbn: {
    module: js(
      'export function isValidIsbn(text) {',
      "  const isbn = String(text).replace(/-/g, '');",
      '  if (/^\\d{9}[\\dX]$/.test(isbn)) {',
      "    const sum = [...isbn].reduce((total, char, i) => total + (char === 'X' ? 10 : Number(char)) * (10 - i), 0);",
      '    return sum % 11 === 0;',
      '  }',
      '  if (!/^\\d{13}$/.test(isbn)) return false;',
      '  return [...isbn].reduce((total, char, i) => total + Number(char) * (i % 2 ? 3 : 1), 0) % 10 === 0;',
      '}',
    ),
    test: "import { isValidIsbn } from '../src/isbn.js';\n\ntest('checks ISBN-10 and ISBN-13', () => {\n  assert.equal(isValidIsbn('0-306-40615-2'), true);\n  assert.equal(isValidIsbn('978-0-306-40615-7'), true);\n  assert.equal(isValidIsbn('978-0-306-40615-8'), false);\n});",
  },
  roman: {
    module: js(
      "const NUMERALS = [[1000, 'M'], [900, 'CM'], [500, 'D'], [400, 'CD'], [100, 'C'], [90, 'XC'], [50, 'L'], [40, 'XL'], [10, 'X'], [9, 'IX'], [5, 'V'], [4, 'IV'], [1, 'I']];",
      '',
      'export function toRoman(n) {',
      '  if (!Number.isInteger(n) || n < 1 || n > 3999) throw new RangeError(`out of range: ${n}`);',
      "  let text = '';",
      '  let rest = n;',
      '  for (const [value, numeral] of NUMERALS)',
      '    while (rest >= value) {',
      '      text += numeral;',
      '      rest -= value;',
      '    }',
      '  return text;',
      '}',
      '',
      'export function fromRoman(text) {',
      '  let total = 0;',
      '  let rest = String(text);',
      '  for (const [value, numeral] of NUMERALS)',
      '    while (rest.startsWith(numeral)) {',
      '      total += value;',
      '      rest = rest.slice(numeral.length);',
      '    }',
      "  if (rest !== '' || total < 1 || toRoman(total) !== text) throw new RangeError(`not a roman numeral: ${text}`);",
      '  return total;',
      '}',
    ),
    test: "import { fromRoman, toRoman } from '../src/roman.js';\n\ntest('converts both ways and rejects IIII', () => {\n  assert.equal(toRoman(1994), 'MCMXCIV');\n  assert.equal(fromRoman('MCMXCIV'), 1994);\n  assert.throws(() => fromRoman('IIII'), RangeError);\n});",
  },
  'format-duration': {
    module: js(
      'export function formatDuration(seconds) {',
      "  const parts = [[Math.floor(seconds / 3600), 'h'], [Math.floor((seconds % 3600) / 60), 'm'], [seconds % 60, 's']];",
      "  return parts.filter(([count]) => count > 0).map(([count, unit]) => `${count}${unit}`).join(' ') || '0s';",
      '}',
    ),
    test: "import { formatDuration } from '../src/format-duration.js';\n\ntest('leaves out zero parts', () => {\n  assert.equal(formatDuration(3723), '1h 2m 3s');\n  assert.equal(formatDuration(60), '1m');\n  assert.equal(formatDuration(0), '0s');\n});",
  },
  semver: {
    module: js(
      'function parse(version) {',
      "  const [core, pre] = version.split('-');",
      "  return { numbers: core.split('.').map(Number), pre: pre ? pre.split('.') : [] };",
      '}',
      '',
      'function compareIds(a, b) {',
      '  const numeric = /^\\d+$/;',
      '  if (numeric.test(a) && numeric.test(b)) return Math.sign(Number(a) - Number(b));',
      '  if (numeric.test(a) !== numeric.test(b)) return numeric.test(a) ? -1 : 1;',
      '  return a < b ? -1 : a > b ? 1 : 0;',
      '}',
      '',
      'export function compareSemver(a, b) {',
      '  const left = parse(a);',
      '  const right = parse(b);',
      '  for (let i = 0; i < 3; i++)',
      '    if (left.numbers[i] !== right.numbers[i]) return Math.sign(left.numbers[i] - right.numbers[i]);',
      '  if (left.pre.length === 0 || right.pre.length === 0) return Math.sign(right.pre.length - left.pre.length);',
      '  for (let i = 0; i < Math.max(left.pre.length, right.pre.length); i++) {',
      '    if (left.pre[i] === undefined) return -1;',
      '    if (right.pre[i] === undefined) return 1;',
      '    const order = compareIds(left.pre[i], right.pre[i]);',
      '    if (order !== 0) return order;',
      '  }',
      '  return 0;',
      '}',
    ),
    test: "import { compareSemver } from '../src/semver.js';\n\ntest('orders versions and pre-releases', () => {\n  assert.equal(compareSemver('1.0.0-alpha.1', '1.0.0'), -1);\n  assert.equal(compareSemver('1.2.0', '1.10.0'), -1);\n  assert.equal(compareSemver('1.0.0-beta', '1.0.0-alpha.2'), 1);\n});",
  },
  csv: {
    module: js(
      'export function parseCsvLine(line) {',
      '  const fields = [];',
      "  let field = '';",
      '  let quoted = false;',
      '  for (let i = 0; i < line.length; i++) {',
      '    const char = line[i];',
      "    if (quoted && char === '\"' && line[i + 1] === '\"') {",
      "      field += '\"';",
      '      i++;',
      "    } else if (char === '\"') quoted = !quoted;",
      "    else if (char === ',' && !quoted) {",
      '      fields.push(field);',
      "      field = '';",
      '    } else field += char;',
      '  }',
      '  fields.push(field);',
      '  return fields;',
      '}',
    ),
    test: "import { parseCsvLine } from '../src/csv.js';\n\ntest('reads quoted fields', () => {\n  assert.deepEqual(parseCsvLine('a,\"b,c\",\"say \"\"hi\"\"\",'), ['a', 'b,c', 'say \"hi\"', '']);\n});",
  },
};

function sixTasksInWaves(): Trajectory[] {
  const name = 'six-tasks-in-waves';
  const tasks = Object.keys(SIX_MODULES);
  const header = "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\n";
  const agents = tasks.map((task) =>
    agent(name, task, [
      write(`src/${task}.js`, SIX_MODULES[task].module),
      write(`test/${task}.test.js`, `${header}${SIX_MODULES[task].test}\n`),
      done(`src/${task}.js (new), test/${task}.test.js (new)`),
    ]),
  );
  const launches = tasks.map((task) =>
    launch(name, task, {
      type: 'engineer',
      description: `Add ${task}`,
      brief: `Add <root>/src/${task}.js with its tests in <root>/test/${task}.test.js, as the user described. Done when: \`npm test\` passes.`,
    }),
  );
  const fanIn = afterResults(6, run('npm test'));
  const report = turn(say('All six modules are in; the whole suite passes.'));
  return [
    {
      name: 'four at first, two more once a result is back',
      expect: 'pass',
      main: [turn(skill, ...launches.slice(0, 4)), afterResults(1, ...launches.slice(4)), fanIn, report],
      agents,
    },
    {
      name: 'all six at once',
      expect: ['first-wave-at-most-four', 'next-wave-after-a-result', 'at-most-four-launches-per-message'],
      main: [turn(skill, ...launches), fanIn, report],
      agents,
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// lookup-fan-out

function lookupFanOut(): Trajectory[] {
  const name = 'lookup-fan-out';
  const findings: Record<string, [string, string]> = {
    web: ['search.js', 'searchProducts passes the search term (request query q) to db.query without sanitize()'],
    cli: ['import.js', 'importRows puts the table name from the command line into db.query without sanitize()'],
    worker: [
      'replay.js',
      'replayJob puts payload.name from the queued job into db.query; only the log line is sanitised',
    ],
  };
  const agents = Object.entries(findings).map(([service, [file, finding]]) =>
    agent(name, service, [
      (dir) => ({ tool: 'Grep', input: { pattern: 'db\\.query', path: join(dir, 'services', service) } }),
      read(`services/${service}/${file}`),
      `Finding: ${finding} (services/${service}/${file}).`,
    ]),
  );
  const lookups = (type: string) =>
    Object.keys(findings).map((service) =>
      launch(name, service, {
        type,
        description: `Unsanitised queries in ${service}`,
        brief: `Read-only: in <root>/services/${service}, find every path from outside input to db.query that skips sanitize() from <root>/lib/sanitize.js. Report function, file and input source.`,
      }),
    );
  const answer = afterResults(
    3,
    say(
      'Three findings. web: searchProducts (services/web/search.js) queries with the search term from the request. ' +
        'cli: importRows (services/cli/import.js) takes the table name from the command line. ' +
        'worker: replayJob (services/worker/replay.js) uses payload.name from the queued job.',
    ),
  );
  return [
    {
      name: 'one Explore agent per service, launched together',
      expect: 'pass',
      main: [turn(skill, ...lookups('Explore')), answer],
      agents,
    },
    {
      name: 'the lookups given to general-purpose agents',
      expect: ['explore-agents-launched-together', 'only-read-only-agents'],
      main: [turn(skill, ...lookups('general-purpose')), answer],
      agents,
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// merge-worktrees

function mergeWorktrees(): Trajectory[] {
  const worktrees = { a3f91c02: 'Invoice lines', '7be4d015': 'Receipt totals' };
  const path = (request: MessagesRequest, id: string) => join(cwd(request), `.claude/worktrees/agent-${id}`);
  const readDiff = (id: string) => (request: MessagesRequest) =>
    bash(`git -C ${path(request, id)} add -A && git -C ${path(request, id)} diff --cached`);
  const merge = (id: string, message: string) => (request: MessagesRequest) =>
    bash(`git -C ${path(request, id)} commit -qm "${message}" && git merge --no-edit worktree-agent-${id}`);
  const cleanUp = (request: MessagesRequest) =>
    bash(
      Object.keys(worktrees)
        .map((id) => `git worktree remove ${path(request, id)} && git branch -d worktree-agent-${id}`)
        .join(' && '),
    );
  const [first, second] = Object.entries(worktrees);
  const merges = [turn(merge(...first)), turn(merge(...second)), turn(cleanUp), turn(run('npm test'))];
  return [
    {
      name: 'each diff read, merged one at a time, cleaned up, the suite run',
      expect: 'pass',
      main: [
        turn(skill, readDiff(first[0]), readDiff(second[0])),
        ...merges,
        turn(
          say(
            'Merged both branches: src/invoice.js and src/receipt.js with their tests. Agent 2 also changed src/format.js ' +
              '(it now appends EUR), outside its brief; its receipt test depends on it. Worktrees and branches removed.',
          ),
        ),
      ],
    },
    {
      name: 'merged on the strength of the summaries, no diff read',
      expect: ['each-diff-read', 'read-before-merge', 'reports-the-extra-change'],
      main: [turn(skill), ...merges, turn(say('Merged both: src/invoice.js and src/receipt.js with their tests.'))],
    },
  ];
}

/**
 * Two agents launched together that each stop early (blocked, or with a question): continued with SendMessage
 * (`message`, the pack's fan-in) or relaunched (`relaunches`, the wrong way). The fan-in waits for every result.
 */
function continuedOrRelaunched(options: {
  launches: Step[];
  agents: Conversation[];
  message: string;
  relaunches: Step[];
  relaunched: Conversation[];
  report: string;
  names: [string, string];
  failing: string[];
}): Trajectory[] {
  const start = turn(skill, ...options.launches);
  const fanIn = afterResults(4, run('npm test'));
  const report = turn(say(options.report));
  const answers = options.launches.map((_, index) => sendTo(index, options.message));
  return [
    {
      name: options.names[0],
      expect: 'pass',
      main: [start, afterResults(2, ...answers), fanIn, report],
      agents: options.agents,
    },
    {
      name: options.names[1],
      expect: options.failing,
      main: [start, afterResults(2, ...options.relaunches), fanIn, report],
      agents: [...options.agents, ...options.relaunched],
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// denied-command-recovery

function deniedCommandRecovery(): Trajectory[] {
  const name = 'denied-command-recovery';
  const check = (what: string) =>
    `function check(input, field, valid) {\n  if (!valid(input?.[field])) throw new TypeError(\`${what}: \${field} is missing or malformed\`);\n}`;
  const positive = 'const positiveInteger = (value) => Number.isInteger(value) && value > 0;';
  const parsers = {
    orders: js(
      positive,
      "const currencyCode = (value) => typeof value === 'string' && /^[A-Z]{3}$/.test(value);",
      '',
      check('order'),
      '',
      'export function parseOrder(input) {',
      "  for (const field of ['id', 'customerId', 'amount']) check(input, field, positiveInteger);",
      "  check(input, 'currency', currencyCode);",
      '  return { id: input.id, customerId: input.customerId, amount: input.amount, currency: input.currency };',
      '}',
    ),
    refunds: js(
      "export const REASONS = ['damaged', 'late', 'wrong-item', 'other'];",
      positive,
      '',
      check('refund'),
      '',
      'export function parseRefund(input) {',
      "  for (const field of ['orderId', 'amount']) check(input, field, positiveInteger);",
      "  check(input, 'reason', (value) => REASONS.includes(value));",
      '  return { orderId: input.orderId, amount: input.amount, reason: input.reason };',
      '}',
    ),
  };
  const tests = {
    orders: js(
      "import { test } from 'node:test';",
      "import assert from 'node:assert/strict';",
      "import { parseOrder } from '../src/orders.js';",
      '',
      "const order = { id: 7, customerId: 3, amount: 1250, currency: 'EUR' };",
      "test('parses a valid order', () => {",
      '  assert.deepEqual(parseOrder(order), order);',
      '});',
      "test('names the malformed field in a TypeError', () => {",
      "  assert.throws(() => parseOrder({ ...order, currency: 'eur' }), { name: 'TypeError', message: /currency/ });",
      "  assert.throws(() => parseOrder({ ...order, id: 0 }), { name: 'TypeError', message: /id/ });",
      '});',
    ),
    refunds: js(
      "import { test } from 'node:test';",
      "import assert from 'node:assert/strict';",
      "import { parseRefund } from '../src/refunds.js';",
      '',
      "const refund = { orderId: 7, amount: 500, reason: 'late' };",
      "test('parses a valid refund', () => {",
      '  assert.deepEqual(parseRefund(refund), refund);',
      '});',
      "test('names the malformed field in a TypeError', () => {",
      "  assert.throws(() => parseRefund({ ...refund, reason: 'bored' }), { name: 'TypeError', message: /reason/ });",
      "  assert.throws(() => parseRefund({ ...refund, amount: 1.5 }), { name: 'TypeError', message: /amount/ });",
      '});',
    ),
  };
  const tasks = Object.keys(parsers) as (keyof typeof parsers)[];
  const blocked = 'Result: blocked\nOpen: `make check` was denied (Permission to use Bash has been denied).';
  const agents = tasks.map((task) =>
    agent(name, task, [
      write(`src/${task}.js`, parsers[task]),
      write(`test/${task}.test.js`, tests[task]),
      () => bash('make check'),
      blocked,
      () => bash('npm test'),
      done(`src/${task}.js, test/${task}.test.js`),
    ]),
  );
  // A relaunch starts over: the new agent reads the files the first one left and reports.
  const relaunched = tasks.map((task) =>
    agent(name, `${task}-again`, [read(`src/${task}.js`), done(`src/${task}.js, test/${task}.test.js`)]),
  );
  const launches = tasks.map((task) =>
    launch(name, task, {
      type: 'engineer',
      description: `Validate ${task}`,
      brief: `Add the validation to <root>/src/${task}.js with tests in <root>/test/${task}.test.js. Done when: \`make check\` passes.`,
    }),
  );
  const relaunches = tasks.map((task) =>
    launch(name, `${task}-again`, {
      type: 'engineer',
      description: `Validate ${task} again`,
      brief: `Finish the validation in <root>/src/${task}.js. Done when: \`npm test\` passes (make is not allowed).`,
    }),
  );
  return continuedOrRelaunched({
    launches,
    agents,
    message: '`make check` is not allowed for agents here; it runs `npm test`, which is: run that and report.',
    relaunches,
    relaunched,
    report: 'Both parsers validate their input; make check = npm test passes.',
    names: [
      'each denied agent continued with SendMessage and an allowed command',
      'the denied agents relaunched instead of continued',
    ],
    failing: ['continued-with-sendmessage', 'recovered-with-an-allowed-command', 'no-relaunch'],
  });
}

// ---------------------------------------------------------------------------------------------
// needs-context-answered

function needsContextAnswered(): Trajectory[] {
  const name = 'needs-context-answered';
  const formatPrice = js(
    '',
    '/** Thousandths of the currency unit, rounded half to even to cents, with the currency: "12.34 EUR". */',
    'export function formatPrice(thousandths, currency) {',
    '  const cents = Math.trunc(thousandths / 10);',
    '  const rest = thousandths - cents * 10;',
    '  const rounded = rest > 5 || (rest === 5 && cents % 2 === 1) ? cents + 1 : cents;',
    '  return `${(rounded / 100).toFixed(2)} ${currency}`;',
    '}',
  );
  const modules = {
    invoice:
      '/** Invoice lines: `{ description, thousandths, currency }`. */\nexport function invoiceLines(items) {\n  return items.map((item) => ({ description: item.description, amount: item.thousandths, currency: item.currency }));\n}\n',
    receipt:
      '/** The lines of a till receipt. */\nexport function receiptLines(items) {\n  return items.map((item) => item.description);\n}\n',
  };
  const testOf = (task: string) =>
    js(
      "import { test } from 'node:test';",
      "import assert from 'node:assert/strict';",
      `import { formatPrice } from '../src/${task}.js';`,
      '',
      "test('rounds half to even', () => {",
      "  assert.equal(formatPrice(12345, 'EUR'), '12.34 EUR');",
      "  assert.equal(formatPrice(12355, 'EUR'), '12.36 EUR');",
      '});',
    );
  const tasks = Object.keys(modules) as (keyof typeof modules)[];
  const work = (task: keyof typeof modules) => [
    write(`src/${task}.js`, modules[task] + formatPrice),
    write(`test/${task}-price.test.js`, testOf(task)),
    done(`src/${task}.js, test/${task}-price.test.js (new)`),
  ];
  const agents = tasks.map((task) =>
    agent(name, task, [
      read(`src/${task}.js`),
      'Result: needs context\nOpen: how should amounts in thousandths be rounded to cents?',
      ...work(task),
    ]),
  );
  const relaunched = tasks.map((task) => agent(name, `${task}-again`, work(task)));
  const launches = tasks.map((task) =>
    launch(name, task, {
      type: 'engineer',
      description: `formatPrice in ${task}`,
      brief: `Add formatPrice(thousandths, currency) to <root>/src/${task}.js with tests. When you get to the rounding, stop and ask (Result: needs context). Done when: \`npm test\` passes.`,
    }),
  );
  const rule = "Round half to even (banker's rounding), then two decimals and the currency code: 12.34 EUR.";
  const relaunches = tasks.map((task) =>
    launch(name, `${task}-again`, {
      type: 'engineer',
      description: `formatPrice in ${task}, with the rule`,
      brief: `Add formatPrice(thousandths, currency) to <root>/src/${task}.js with tests. ${rule}`,
    }),
  );
  return continuedOrRelaunched({
    launches,
    agents,
    message: rule,
    relaunches,
    relaunched,
    report: 'formatPrice is in both modules, rounding half to even; the suite passes.',
    names: ['each question answered with SendMessage', 'the agents relaunched with the rule in new briefs'],
    failing: ['rule-not-in-briefs', 'answered-with-sendmessage', 'no-relaunch'],
  });
}

// ---------------------------------------------------------------------------------------------
// The cases without a fan-out

function oneLineFix(): Trajectory[] {
  const name = 'no-fan-out-one-line-fix';
  const fix = edit('src/greet.js', 'Helo,', 'Hello,');
  return [
    {
      name: 'fixed directly',
      expect: 'pass',
      main: [turn(inRepo(read('src/greet.js'))), turn(inRepo(fix)), turn(say('Fixed: "Helo" is now "Hello".'))],
    },
    {
      name: 'delegated to an agent',
      expect: ['edited-directly', 'no-agent'],
      main: [
        turn(
          launch(name, 'typo', {
            type: 'engineer',
            description: 'Fix the greeting typo',
            brief: 'In <root>/src/greet.js, "Helo" should be "Hello".',
          }),
        ),
        afterResults(1, say('Fixed.')),
      ],
      agents: [agent(name, 'typo', [read('src/greet.js'), fix, done('src/greet.js')])],
    },
  ];
}

function sequentialMigration(): Trajectory[] {
  const name = 'no-fan-out-sequential-migration';
  const files = {
    config: write(
      'src/config.js',
      js(
        "/** Reads the service's configuration from the environment. */",
        'export function loadConfig(env = process.env) {',
        "  const url = new URL(env.DB_URL ?? 'postgres://localhost:5432/orders');",
        '  return {',
        '    database: { host: url.hostname, port: Number(url.port), name: url.pathname.slice(1) },',
        '    port: Number(env.PORT ?? 3000),',
        '  };',
        '}',
      ),
    ),
    db: write(
      'src/db.js',
      js(
        '/** Connection options for the database client, from the configuration. */',
        'export function connectionOptions(config) {',
        '  const { host, port, name } = config.database;',
        '  return { host, port, database: name };',
        '}',
      ),
    ),
    server: write(
      'src/server.js',
      js(
        "import { loadConfig } from './config.js';",
        "import { connectionOptions } from './db.js';",
        '',
        '/** What the server logs when it starts. */',
        'export function startupBanner(env = process.env) {',
        '  const config = loadConfig(env);',
        '  const db = connectionOptions(config);',
        '  return `listening on ${config.port}, database ${db.database} at ${db.host}:${db.port}`;',
        '}',
      ),
    ),
  };
  const steps = Object.entries(files);
  return [
    {
      name: 'migrated directly, step by step',
      expect: 'pass',
      main: [
        turn(inRepo(read('src/config.js'))),
        ...steps.map(([, step]) => turn(inRepo(step))),
        turn(run('npm test')),
        turn(say('Migrated: config, then db, then server; the suite passes.')),
      ],
    },
    {
      name: 'the three steps given to agents launched together',
      expect: ['no-agents-launched-together', 'at-most-one-agent'],
      main: [
        turn(
          ...steps.map(([task]) =>
            launch(name, task, {
              type: 'engineer',
              description: `Migrate ${task}`,
              brief: `Move <root>/src/${task}.js to the database object.`,
            }),
          ),
        ),
        afterResults(3, run('npm test')),
        turn(say('Migrated.')),
      ],
      agents: steps.map(([task, step]) => agent(name, task, [step, done(`src/${task}.js`)])),
    },
  ];
}

function designQuestion(): Trajectory[] {
  const answer = say(
    'Three options. A config file listing the plugins: explicit and easy to debug, one more file to keep. ' +
      'Discovery of installed packages by a name prefix (notes-cli-plugin-*): nothing to configure, but slower start-up ' +
      'and surprises when a package is installed by accident. Explicit imports in a small entry file: the simplest for a ' +
      'tool this size, but every plugin needs a code change. What I need to know: who writes the plugins, and do they ' +
      'publish them to npm or keep them in your repository?',
  );
  return [
    {
      name: 'the code read, then answered',
      expect: 'pass',
      main: [turn(inRepo(read('src/cli.js'))), turn(answer)],
    },
    {
      name: 'code written although the user asked for none',
      expect: ['no-write'],
      main: [
        turn(inRepo(read('src/cli.js'))),
        turn(inRepo(write('src/plugins.js', 'export const plugins = [];\n'))),
        turn(answer),
      ],
    },
  ];
}

function sharedFile(): Trajectory[] {
  const name = 'shared-file';
  const commands = js(
    '/** Every command of the CLI: its handler and its help line. */',
    'export const commands = {',
    '  add: {',
    "    help: 'add <text>    add a todo',",
    '    run: (todos, text) => [...todos, { text, done: false }],',
    '  },',
    '  done: {',
    "    help: 'done <index>  mark a todo done',",
    '    run: (todos, index) => todos.map((todo, i) => (i === Number(index) ? { ...todo, done: true } : todo)),',
    '  },',
    '  remove: {',
    "    help: 'remove <index>  delete a todo',",
    '    run: (todos, index) => todos.filter((_, i) => i !== Number(index)),',
    '  },',
    '  clear: {',
    "    help: 'clear         drop every done todo',",
    '    run: (todos) => todos.filter((todo) => !todo.done),',
    '  },',
    '};',
    '',
    'export function help() {',
    "  return Object.values(commands).map((command) => command.help).join('\\n');",
    '}',
  );
  const test = js(
    "import { test } from 'node:test';",
    "import assert from 'node:assert/strict';",
    "import { commands } from '../src/commands.js';",
    '',
    "const todos = [{ text: 'milk', done: true }, { text: 'eggs', done: false }];",
    "test('done, remove and clear', () => {",
    '  assert.equal(commands.done.run(todos, 1)[1].done, true);',
    '  assert.equal(commands.remove.run(todos, 0).length, 1);',
    "  assert.deepEqual(commands.clear.run(todos), [{ text: 'eggs', done: false }]);",
    '});',
  );
  const opening = 'export const commands = {\n';
  const entry = (command: string) => `  ${command}: { help: '${command}', run: (todos) => todos },\n`;
  const writers = { done: ['done'], 'remove-and-clear': ['remove', 'clear'] };
  return [
    {
      name: 'the shared file edited directly',
      expect: 'pass',
      main: [
        turn(inRepo(read('src/commands.js'))),
        turn(inRepo(write('src/commands.js', commands))),
        turn(inRepo(write('test/more-commands.test.js', test))),
        turn(run('npm test')),
        turn(say('done, remove and clear are registered with their help lines and tests; the suite passes.')),
      ],
    },
    {
      name: 'two agents launched together on the shared file',
      expect: ['no-parallel-writers'],
      main: [
        turn(
          ...Object.keys(writers).map((task) =>
            launch(name, task, {
              type: 'engineer',
              description: `Add ${task}`,
              brief: `Register ${task} in <root>/src/commands.js.`,
            }),
          ),
        ),
        afterResults(2, run('npm test')),
        turn(say('Done.')),
      ],
      agents: Object.entries(writers).map(([task, added]) =>
        agent(name, task, [
          read('src/commands.js'),
          edit('src/commands.js', opening, opening + added.map(entry).join('')),
          done('src/commands.js'),
        ]),
      ),
    },
  ];
}

/** Per case, its trajectories other than doing nothing (which every case fails). */
export const TRAJECTORIES: Record<string, Trajectory[]> = {
  'denied-command-recovery': deniedCommandRecovery(),
  'fan-out-three-features': fanOutThreeFeatures(),
  'implement-then-verify': implementThenVerify(),
  'independent-failures': independentFailures(),
  'lookup-fan-out': lookupFanOut(),
  'merge-worktrees': mergeWorktrees(),
  'needs-context-answered': needsContextAnswered(),
  'no-fan-out-design-question': designQuestion(),
  'no-fan-out-one-line-fix': oneLineFix(),
  'no-fan-out-sequential-migration': sequentialMigration(),
  'shared-file': sharedFile(),
  'six-tasks-in-waves': sixTasksInWaves(),
};
