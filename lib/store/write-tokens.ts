/**
 * Tokens that name one write, so that the store can tell its own write from another when the SDK sends a write that
 * committed again (its response lost) and the retry fails its condition on what the first attempt wrote: a claim's
 * `leaseToken`, a `unique` enqueue's `writeToken`.
 */
import { randomBytes } from 'node:crypto';

/**
 * A new token: 96 bits from the system's randomness. Never from an injected `RandomSource`: tests fix theirs, and two
 * writes sharing a token (two duplicate deliveries, two enqueues of one key) would each take the other's for its own.
 *
 * @example
 * ```ts
 * const lease = { nowMs, leaseUntilMs, token: newWriteToken() };
 * ```
 */
export function newWriteToken(): string {
  return randomBytes(12).toString('base64url');
}
