import { describe, expect, it } from 'vitest';
import {
  assertRuntimeCreatable,
  DEFAULT_RUNTIME_NAME,
  NODEJS_RUNTIME_DATES,
  nodeTargetOf,
  PREBUILT_RUNTIME_NAME,
} from '../../infra/lambda-runtimes.ts';
import { ValidationError } from '../../lib/core/errors.ts';

const DAY_MS = 86_400_000;

describe('Lambda runtime support', () => {
  // Reads the real date on purpose: this test is the reminder to move the default before AWS deprecates it.
  it('the default runtime is more than 90 days from its deprecation date', () => {
    const dates = NODEJS_RUNTIME_DATES[DEFAULT_RUNTIME_NAME];
    expect(dates, `lambda-runtimes.ts has no dates for ${DEFAULT_RUNTIME_NAME}`).toBeDefined();
    const daysLeft = (Date.parse(`${dates!.deprecation}T00:00:00Z`) - Date.now()) / DAY_MS;
    expect(
      daysLeft,
      `${DEFAULT_RUNTIME_NAME} is deprecated on ${dates!.deprecation}: make a newer runtime the default (DEFAULT_RUNTIME_NAME) and its Node the local stack's`,
    ).toBeGreaterThan(90);
  });

  // Also the real date: once AWS blocks creating functions on it, no app can pin it and the bundles move on.
  it('the runtime the pre-bundled handlers target is one AWS still lets you create functions on, no newer than the default', () => {
    expect(
      () => assertRuntimeCreatable(PREBUILT_RUNTIME_NAME, new Date()),
      `move PREBUILT_RUNTIME_NAME to the oldest Node.js runtime AWS still lets you create functions on`,
    ).not.toThrow();
    expect(Number(nodeTargetOf(PREBUILT_RUNTIME_NAME).slice(4))).toBeLessThanOrEqual(Number(nodeTargetOf(DEFAULT_RUNTIME_NAME).slice(4)));
  });

  it.each([
    ['nodejs20.x', '2026-08-31', true],
    ['nodejs20.x', '2026-08-30', false],
    ['nodejs22.x', '2026-12-03', false],
    ['nodejs22.x', '2027-06-01', true],
    ['nodejs24.x', '2027-06-01', false],
  ])('%s on %s: blocked for creation = %s', (runtime, day, blocked) => {
    const check = () => assertRuntimeCreatable(runtime, new Date(`${day}T12:00:00Z`));
    if (blocked) expect(check).toThrow(ValidationError);
    else expect(check).not.toThrow();
  });

  it('rejects a runtime that is not Node.js, and maps Node runtimes to esbuild targets', () => {
    expect(() => assertRuntimeCreatable('python3.13', new Date())).toThrow(/expected a Node.js runtime such as "nodejs24.x"/);
    expect(nodeTargetOf('nodejs24.x')).toBe('node24');
    expect(nodeTargetOf('nodejs22.x')).toBe('node22');
  });
});
