/**
 * The one price table of the benchmark (us-east-1, on-demand, list prices; no free tier) and the anchors sundial is
 * compared with. Change a price here and every number `npm run bench` prints follows.
 */

/** A price in US dollars, with where it comes from. */
export interface Price {
  /** Dollars per unit (one request, one byte, one GB-second). */
  readonly usd: number;
  /** Units AWS quotes the price for (a million requests, a GB): how `per` reads. */
  readonly quotedFor: number;
  readonly per: string;
  readonly source: string;
}

/**
 * A price as AWS quotes it, e.g. "$0.400 per million SQS standard requests".
 *
 * @example
 * ```ts
 * quotedPrice(PRICES.sqsRequest); // '$0.400 per million SQS standard request (…)'
 * ```
 */
export function quotedPrice(price: Price): string {
  const usd = price.usd * price.quotedFor;
  return `$${usd < 0.001 ? usd.toPrecision(6) : usd.toFixed(3)} per ${price.quotedFor === 1e6 ? 'million ' : ''}${price.per}`;
}

/**
 * us-east-1 list prices the cost suite converts request and capacity counts with.
 *
 * @example
 * ```ts
 * const usd = writeUnits * PRICES.dynamodbWriteUnit.usd;
 * ```
 */
export const PRICES = {
  dynamodbWriteUnit: {
    usd: 0.625 / 1e6,
    quotedFor: 1e6,
    per: 'write request unit (on-demand, 1 KB; a transactional write is 2)',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
  },
  dynamodbReadUnit: {
    usd: 0.125 / 1e6,
    quotedFor: 1e6,
    per: 'read request unit (on-demand, 4 KB strongly consistent, or 2 × 4 KB eventually consistent)',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
  },
  dynamodbWriteCapacityHour: {
    usd: 0.00065,
    quotedFor: 1,
    per: 'write capacity unit-hour (provisioned: one 1 KB write a second for an hour)',
    source: 'https://aws.amazon.com/dynamodb/pricing/provisioned/',
  },
  dynamodbReadCapacityHour: {
    usd: 0.00013,
    quotedFor: 1,
    per: 'read capacity unit-hour (provisioned: one 4 KB strongly consistent read, or two eventually consistent, a second for an hour)',
    source: 'https://aws.amazon.com/dynamodb/pricing/provisioned/',
  },
  sqsRequest: {
    usd: 0.4 / 1e6,
    quotedFor: 1e6,
    per: 'SQS standard request (each 64 KB chunk; a batch of 10 is one request)',
    source: 'https://aws.amazon.com/sqs/pricing/',
  },
  eventbridgeEvent: {
    usd: 1.0 / 1e6,
    quotedFor: 1e6,
    per: 'EventBridge custom event published (PutEvents, per 64 KB chunk); an EventBridge Scheduler invocation costs the same',
    source: 'https://aws.amazon.com/eventbridge/pricing/',
  },
  lambdaRequest: {
    usd: 0.2 / 1e6,
    quotedFor: 1e6,
    per: 'Lambda invocation',
    source: 'https://aws.amazon.com/lambda/pricing/',
  },
  lambdaGbSecond: {
    // The construct deploys both functions on arm64 (Graviton); x86_64 costs $0.0000166667.
    usd: 0.0000133334,
    quotedFor: 1,
    per: 'Lambda GB-second on arm64 (billed duration rounded up to 1 ms × configured memory; INIT billed since Aug 2025)',
    source: 'https://aws.amazon.com/lambda/pricing/ ; https://aws.amazon.com/blogs/compute/aws-lambda-standardizes-billing-for-init-phase/',
  },
  logsIngested: {
    usd: 0.5 / 2 ** 30,
    quotedFor: 2 ** 30,
    per: 'GB ingested by CloudWatch Logs (standard class; Lambda logs are tiered down from there past 10 TB)',
    source: 'https://aws.amazon.com/cloudwatch/pricing/',
  },
  customMetricMonth: {
    usd: 0.3,
    quotedFor: 1,
    per: 'custom metric-month (each namespace + name + dimension values published through EMF, first 10,000)',
    source: 'https://aws.amazon.com/cloudwatch/pricing/',
  },
} as const satisfies Record<string, Price>;

/** Another way to run delayed jobs, priced per million jobs. */
export interface Anchor {
  readonly name: string;
  /** Dollars per million one-off jobs. */
  readonly usdPerMillion: number;
  /** How the figure is made up. */
  readonly basis: string;
  readonly source: string;
}

const dynein = 3 * 0.625 + 1 * 0.125;

/**
 * What a million one-off jobs cost elsewhere; printed next to sundial's figures.
 *
 * @example
 * ```ts
 * for (const anchor of ANCHORS) console.log(anchor.name, anchor.usdPerMillion);
 * ```
 */
export const ANCHORS: readonly Anchor[] = [
  {
    name: 'EventBridge Scheduler (one-time schedule) + Lambda target',
    usdPerMillion: 1.0 + 0.2,
    basis: '$1.00 per million invocations of schedules + $0.20 per million Lambda requests of its target',
    source: 'https://aws.amazon.com/eventbridge/pricing/',
  },
  {
    name: 'Dynein (Airbnb), DynamoDB on-demand',
    usdPerMillion: dynein,
    basis: `1 WCU enqueue + 2 WCU + 1 RCU dequeue = 3 × $0.625 + 1 × $0.125 = $${dynein.toFixed(3)} (before its SQS and compute)`,
    source: 'https://medium.com/airbnb-engineering/dynein-building-a-distributed-delayed-job-queueing-system-93ab10f05f99',
  },
  {
    name: 'Upstash QStash (pay as you go)',
    usdPerMillion: 10,
    basis: '$1 per 100,000 messages',
    source: 'https://upstash.com/pricing/qstash',
  },
  {
    name: 'Step Functions Standard (Wait state)',
    usdPerMillion: 50,
    basis: 'at least 2 state transitions per job × $25 per million transitions',
    source: 'https://aws.amazon.com/step-functions/pricing/',
  },
];
