import { describe, expect, it } from 'vitest';
import { lazyExport } from '../../scripts/lazy-export.js';

/** A spinner-like class: private fields, a getter, a setter, methods that use `this`. */
class Spinner {
  #text = '';
  #spinning = false;
  constructor(readonly options: { stream: string }) {}
  get isSpinning(): boolean {
    return this.#spinning;
  }
  set suffixText(text: string) {
    this.#text = text;
  }
  start(name: string): this {
    this.#spinning = true;
    this.#text = name;
    return this;
  }
  text(): string {
    return this.#text;
  }
}

/** A module loader that counts how often the real module was loaded. */
function realModule() {
  const loaded = { count: 0 };
  const module = {
    Spinner,
    spinner: (options: { stream: string }) => new Spinner(options),
    add: (a: number, b: number) => a + b,
  };
  const load = () => {
    loaded.count++;
    return module;
  };
  return { loaded, load };
}

describe('lazyExport', () => {
  it('loads nothing until the export is used, then forwards calls to the real one', () => {
    const { loaded, load } = realModule();
    const add = lazyExport(() => load().add, undefined);
    expect(loaded.count).toBe(0);
    expect(add(2, 3)).toBe(5);
    expect(loaded.count).toBe(1);
  });

  it('constructs the real class, and instanceof the stand-in holds for its instances', () => {
    const { load } = realModule();
    const LazySpinner = lazyExport(() => load().Spinner, undefined);
    const spinner = new LazySpinner({ stream: 'err' });
    expect(spinner).toBeInstanceOf(Spinner);
    expect(spinner instanceof LazySpinner).toBe(true);
    expect({} instanceof LazySpinner).toBe(false);
  });

  it('defer "call": the call waits for the first use of its result, then behaves as the real object', () => {
    const { loaded, load } = realModule();
    const spinner = lazyExport(() => load().spinner, 'call');
    const made = spinner({ stream: 'err' });
    expect(loaded.count).toBe(0);
    // Getters, setters and methods reach the real object even though they use private fields.
    expect(made.isSpinning).toBe(false);
    expect(loaded.count).toBe(1);
    made.start('Transforming');
    expect(made.isSpinning).toBe(true);
    made.suffixText = ': done';
    expect(made.text()).toBe(': done');
    expect(made.options).toStrictEqual({ stream: 'err' });
  });

  it('defer "construct": the construction waits for the first use of the instance', () => {
    const { loaded, load } = realModule();
    const LazySpinner = lazyExport(() => load().Spinner, 'construct');
    const spinner = new LazySpinner({ stream: 'out' });
    expect(loaded.count).toBe(0);
    expect(spinner.start('x').text()).toBe('x');
    expect(spinner.options.stream).toBe('out');
    expect(loaded.count).toBe(1);
  });

  it('defer "call" of a function result: calling the result calls the real one', async () => {
    let made = 0;
    const createPromptModule = lazyExport(
      () => () => {
        made++;
        return async (questions: string[]) => Object.fromEntries(questions.map((name) => [name, true]));
      },
      'call',
    );
    const prompt = createPromptModule();
    expect(made).toBe(0);
    await expect(prompt(['agents'])).resolves.toStrictEqual({ agents: true });
    await expect(prompt(['claudeMd'])).resolves.toStrictEqual({ claudeMd: true });
    expect(made).toBe(1);
  });
});
