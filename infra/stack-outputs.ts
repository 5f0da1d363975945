/**
 * The stack outputs that describe a sundial deployment, keyed by output key, with the environment variable each one
 * fills. `SundialStack` creates them; `sundial --stack NAME` reads them back. The keys are stable: scripts and the CLI
 * depend on them.
 */
export const STACK_OUTPUT_VARIABLES = {
  TableName: 'SUNDIAL_TABLE_NAME',
  QueueUrls: 'SUNDIAL_QUEUES',
  DeadLetterQueueUrls: 'SUNDIAL_DLQS',
  SweepScheduleName: 'SUNDIAL_SWEEP_SCHEDULE',
  Shards: 'SUNDIAL_SHARDS',
  LookaheadSeconds: 'SUNDIAL_LOOKAHEAD_SECONDS',
  DirectHorizonSeconds: 'SUNDIAL_DIRECT_HORIZON_SECONDS',
  RetentionDays: 'SUNDIAL_RETENTION_DAYS',
} as const;
