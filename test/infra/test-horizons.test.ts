import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../lib/core/errors.ts';
import type { DeployedStack } from '../../infra/local/deploy.ts';
import { testHorizonProblems, withTestHorizons } from '../../infra/local/test-horizons.ts';

function stackWith(environments: Record<string, string>[]): DeployedStack {
  return {
    tables: [], queues: [], eventSourceMappings: [], schedules: [], eventRules: [], outputs: [],
    functions: environments.map((environment, i) => ({ logicalId: `Fn${i}`, environment }) as unknown as DeployedStack['functions'][number]),
  };
}

describe('test-only horizons of the local stack', () => {
  it('replace the horizons of the functions that read them, and leave other variables and functions alone', () => {
    const deployed = stackWith([
      { SUNDIAL_LOOKAHEAD_SECONDS: '60', SUNDIAL_DIRECT_HORIZON_SECONDS: '900', SUNDIAL_TABLE_NAME: 't' },
      { SUNDIAL_DIRECT_HORIZON_SECONDS: '900' },
      { OTHER: 'x' },
    ]);
    const shortened = withTestHorizons(deployed, { lookaheadSec: 5, directHorizonSec: 12 }, 1);
    expect(shortened.functions.map((f) => f.environment)).toEqual([
      { SUNDIAL_LOOKAHEAD_SECONDS: '5', SUNDIAL_DIRECT_HORIZON_SECONDS: '12', SUNDIAL_TABLE_NAME: 't' },
      { SUNDIAL_DIRECT_HORIZON_SECONDS: '12' },
      { OTHER: 'x' },
    ]);
    expect(deployed.functions[0]!.environment.SUNDIAL_LOOKAHEAD_SECONDS).toBe('60'); // the input is not changed
  });

  it('accept a lookahead down to the local sweep period, and nothing the cursor could not work with', () => {
    expect(testHorizonProblems({ lookaheadSec: 3, directHorizonSec: 4 }, 3)).toEqual([]);
    expect(testHorizonProblems({ lookaheadSec: 2, directHorizonSec: 10 }, 3)).toEqual([
      expect.stringContaining('`horizons.lookaheadSec`: received 2; expected whole seconds from `sweepEverySeconds` (3)'),
    ]);
    expect(testHorizonProblems({ lookaheadSec: 5, directHorizonSec: 5 }, 1)).toEqual([
      expect.stringContaining('`horizons.directHorizonSec`: received 5; expected whole seconds above `lookaheadSec` (5)'),
    ]);
    expect(testHorizonProblems({ lookaheadSec: 5, directHorizonSec: 901 }, 1)).toHaveLength(1);
    expect(testHorizonProblems({ lookaheadSec: 1.5, directHorizonSec: 12 }, 1)).toHaveLength(1);
  });

  it('need a sweeper fired often enough, and report every problem at once', () => {
    const error = (() => {
      try {
        withTestHorizons(stackWith([]), { lookaheadSec: 0, directHorizonSec: 0 }, undefined);
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).problems).toHaveLength(3);
    expect((error as ValidationError).problems[0]).toContain('`horizons` needs `sweepEverySeconds`');
  });
});
