/**
 * The task the chaos run bundles into the consumer. Each attempt writes its start to the ledger first (so a second
 * start of the same attempt shows), works for a while (the window in which the run kills consumers), fails on purpose
 * while `attempt <= failAttempts`, records how it ended, and returns a result of `resultChars` characters.
 *
 * The ledger lives in the same DynamoDB Local but is reached on the emulator's own endpoint (`CHAOS_LEDGER_ENDPOINT`),
 * not through the fault proxy: it observes the run and must not be one of its victims.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { defineTask } from '../lib/index.ts';
import { LedgerWriter } from './ledger.ts';

/** Payload of a chaos job (also of every occurrence of a chaos schedule). */
export interface ChaosPayload {
  /** Milliseconds the body works before it ends. */
  readonly workMs: number;
  /** Attempts up to this one fail on purpose. @default 0 */
  readonly failAttempts?: number;
  /** Characters of the returned result (`'x'` repeated). @default small */
  readonly resultChars?: number;
  /** Ballast that makes the stored item large. */
  readonly pad?: string;
}

export const CHAOS_TASK = 'chaos-job';

let ledger: LedgerWriter | undefined;

function ledgerWriter(): LedgerWriter {
  const tableName = process.env.CHAOS_LEDGER_TABLE;
  const endpoint = process.env.CHAOS_LEDGER_ENDPOINT;
  if (!tableName || !endpoint) throw new Error('CHAOS_LEDGER_TABLE and CHAOS_LEDGER_ENDPOINT must be set (chaos/run.ts sets them)');
  ledger ??= new LedgerWriter(new DynamoDBClient({ endpoint, region: process.env.AWS_REGION ?? 'us-east-1' }), tableName);
  return ledger;
}

export const chaosJob = defineTask(
  CHAOS_TASK,
  async (payload: ChaosPayload, ctx) => {
    const writer = ledgerWriter();
    await writer.start(ctx.jobId, ctx.attempt, randomUUID());
    await new Promise((resolve) => setTimeout(resolve, payload.workMs));
    const ok = ctx.attempt > (payload.failAttempts ?? 0);
    await writer.finish(ctx.jobId, ctx.attempt, ok);
    if (!ok) throw new Error(`chaos: attempt ${ctx.attempt} fails on purpose`);
    return { attempt: ctx.attempt, data: 'x'.repeat(payload.resultChars ?? 16) };
  },
  { maxAttempts: 6, backoff: { type: 'fixed', seconds: 1 }, storeResult: true, timeout: 5 },
);
