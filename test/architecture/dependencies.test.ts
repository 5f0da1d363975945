import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('layering (DESIGN §1)', () => {
  it('dependency-cruiser finds no violation: core pure, lib never imports functions/infra, no cycles', () => {
    const bin = fileURLToPath(new URL('../../node_modules/dependency-cruiser/bin/dependency-cruise.mjs', import.meta.url));
    let output = '';
    let failed = false;
    try {
      output = execFileSync(process.execPath, [bin, 'lib', 'functions', 'infra', 'cli', '--config', '.dependency-cruiser.cjs', '--output-type', 'err'], {
        cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (error) {
      failed = true;
      output = String((error as { stdout?: string }).stdout ?? error);
    }
    expect(failed ? output : '').toBe('');
  });
});
