/**
 * Stand-ins for the exports of a module that the bundle loads only on first use (see scripts/build.ts).
 * Each stand-in is a Proxy that loads the real module synchronously the first time it is called,
 * constructed or read, then forwards to the real export, so callers cannot tell the difference.
 * `defer` goes one step further for exports that are called eagerly but used late (an ora spinner
 * built in a constructor): the call itself is postponed until its result is first used.
 */
type Any = any;

/** What a deferred export postpones: nothing, a call (`ora(...)`) or a construction (`new FlyRepository(...)`). */
export type Defer = 'call' | 'construct' | undefined;

export function lazyExport(load: () => Any, defer: Defer): Any {
  return new Proxy(function lazy() {}, {
    apply: (_target, thisArg, args) =>
      defer === 'call' ? deferred(() => Reflect.apply(load(), thisArg, args)) : Reflect.apply(load(), thisArg, args),
    construct: (_target, args) =>
      defer === 'construct' ? deferred(() => Reflect.construct(load(), args)) : Reflect.construct(load(), args),
    ...forwardingTraps(load),
  });
}

/** A value made only when first used: any read, write, call or construction makes it, then forwards to it. */
function deferred(make: () => Any): Any {
  let value: Any;
  let made = false;
  const real = () => {
    if (!made) {
      value = make();
      made = true;
    }
    return value;
  };
  return new Proxy(function deferredValue() {}, {
    apply: (_target, thisArg, args) => Reflect.apply(real(), thisArg, args),
    construct: (_target, args) => Reflect.construct(real(), args),
    ...forwardingTraps(real),
  });
}

/**
 * Property access on the real value with the real value as receiver, and its methods bound to it:
 * classes with private fields (`#stream`) reject a Proxy as `this`.
 */
function forwardingTraps(real: () => Any): ProxyHandler<Any> {
  return {
    get: (_target, key) => {
      const target = real();
      const value = Reflect.get(target, key, target);
      return typeof value === 'function' && key !== 'prototype' && key !== 'constructor' ? value.bind(target) : value;
    },
    set: (_target, key, value) => Reflect.set(real(), key, value),
    has: (_target, key) => Reflect.has(real(), key),
    deleteProperty: (_target, key) => Reflect.deleteProperty(real(), key),
    defineProperty: (_target, key, descriptor) => Reflect.defineProperty(real(), key, descriptor),
  };
}
