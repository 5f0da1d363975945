/**
 * The sweeper Lambda's entry, pre-bundled by `npm run build` into `dist/assets/sweeper` (it holds no user code),
 * invoked every minute by the EventBridge Scheduler schedule of the SundialScheduler construct.
 */
import { createSweeperHandler } from './lambda.ts';

export const handler = createSweeperHandler();
