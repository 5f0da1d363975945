/**
 * What the AWS SDK does to a write whose first attempt commits and whose response is lost (a 500, a reset
 * connection, a timeout): it sends the same request again, and the caller sees that second attempt's answer.
 */
import type { JobStore } from '../../lib/store/types.ts';

/**
 * `store` with the next call of `method` applied twice: once (committed, its answer dropped), then `between` (what
 * others do during the SDK's backoff), then again, whose answer the caller gets. Later calls are left alone.
 *
 * @example
 * ```ts
 * const deps = { ...h.deps, store: retriedAfterCommit(h.store, 'claimJob') };
 * ```
 */
export function retriedAfterCommit<T extends JobStore>(store: T, method: keyof JobStore, between: (args: unknown[]) => Promise<void> = async () => {}): T {
  let armed = true;
  return new Proxy(store, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      if (key !== method) return value.bind(target);
      return async (...args: unknown[]) => {
        if (!armed) return value.apply(target, args);
        armed = false;
        await value.apply(target, args);
        await between(args);
        return value.apply(target, args);
      };
    },
  }) as T;
}
