/**
 * aws-local-stepfunctions 3 calls Promise.withResolvers (Node >= 22). Node 20 lacks it, and the
 * library's `States.ALL` catchers would silently swallow the resulting TypeError, so the harness
 * installs it on import: jest (via env-setup.ts) and plain `tsx` runs (bench) both get it.
 */
if (typeof (Promise as unknown as { withResolvers?: unknown }).withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value<T>() {
      let resolve!: (value: T | PromiseLike<T>) => void;
      let reject!: (reason?: unknown) => void;
      const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}

export {};
