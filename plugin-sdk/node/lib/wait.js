// Waiting for something a plugin will say: shared by the in-memory host and the test helpers.

/**
 * Resolves to `ready()`'s first non-undefined value, re-checked each time a waker in `waiters` is called;
 * rejects with `failure()` after `timeout` ms.
 * @template T
 * @param {Set<() => void>} waiters wakers the caller runs whenever new input arrives
 * @param {() => (T | undefined)} ready
 * @param {number} timeout
 * @param {() => Error} failure
 * @returns {Promise<T>}
 */
export function waitUntil(waiters, ready, timeout, failure) {
  const now = ready();
  if (now !== undefined) return Promise.resolve(now);
  return new Promise((resolve, reject) => {
    const wake = () => {
      const value = ready();
      if (value === undefined) return;
      waiters.delete(wake);
      clearTimeout(timer);
      resolve(value);
    };
    const timer = setTimeout(() => {
      waiters.delete(wake);
      reject(failure());
    }, timeout);
    waiters.add(wake);
  });
}
