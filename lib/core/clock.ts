/**
 * A source of the current time, injected everywhere time matters so that timing logic is tested without sleeping.
 *
 * @example
 * ```ts
 * const fixed: Clock = { nowMs: () => Date.parse('2026-11-23T09:00:00Z') };
 * ```
 */
export interface Clock {
  /** Milliseconds since the Unix epoch (UTC). */
  nowMs(): number;
}
