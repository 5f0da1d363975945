/**
 * The local stack's public surface: `startLocalStack` and the emulator launchers it is built from.
 *
 * @example
 * ```ts
 * import { startLocalStack } from 'sundial-scheduler/local';
 * const stack = await startLocalStack({ workers: ['./tasks.ts'] });
 * ```
 */
export { startLocalStack, type LocalStack, type LocalStackOptions } from './local-stack.ts';
export { startDynamoDbLocal, type DynamoDbLocal, type DynamoDbLocalOptions } from './dynamodb-local.ts';
export { startSqsLocal, type SqsLocal } from './sqs-local.ts';
export { consoleLogSink, type FunctionLogLine, type InvokeResult, type LogSink } from './lambda-runtime.ts';
