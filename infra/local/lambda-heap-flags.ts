/**
 * The V8 heap limits Lambda's Node.js runtime starts a function with. Its bootstrap (`/var/runtime/bootstrap` in the
 * Node.js runtime images) derives them from the configured memory: a tenth for the young generation, half of that per
 * semi-space, the rest for the old generation. Without them a local environment's heap grows as V8 pleases (its
 * default limit is far above a small function's memory): the peak memory it reports overstates what the function
 * uses on Lambda, and a function that would run out of memory there keeps running here.
 */

/**
 * `node` flags for a function of `memoryMb` MB, as Lambda's bootstrap computes them.
 *
 * @example
 * ```ts
 * lambdaHeapFlags(256); // ['--max-semi-space-size=12', '--max-old-space-size=231']
 * ```
 */
export function lambdaHeapFlags(memoryMb: number): string[] {
  const newSpaceMb = Math.floor(memoryMb / 10);
  return [`--max-semi-space-size=${Math.floor(newSpaceMb / 2)}`, `--max-old-space-size=${memoryMb - newSpaceMb}`];
}
