/**
 * Fault injection at the AWS endpoint: a loopback proxy in front of the local stack's endpoint that answers a share of
 * DynamoDB and SQS calls with the errors AWS returns under load (throttling, 500, 503) instead of forwarding them, and
 * can hold back chosen writes (write lag). The Lambda handlers run in child processes with their own SDK clients, so
 * the endpoint is the one place every caller passes: functions, event sources and the chaos writers alike.
 *
 * Injected errors are refusals: the request never reaches the emulator, which is what throttling is on AWS. A 5xx on
 * AWS may also follow a write that was applied; that ambiguous case is a separate kind (`lost-response`), off unless
 * asked for.
 */
import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback } from '../infra/local/processes.ts';

/** The AWS service a call goes to, read from its headers and body. */
export type Service = 'dynamodb' | 'sqs' | 'other';

/** One call as the proxy sees it. */
export interface Call {
  readonly service: Service;
  /** `PutItem`, `SendMessageBatch`, … */
  readonly operation: string;
  /** Sent by a function of the stack (its SDK's user agent names the Lambda execution environment). */
  readonly fromFunction?: boolean;
}

/** What the proxy does with a call. */
export type FaultKind = 'throttle' | 'internal-error' | 'unavailable' | 'lost-response' | 'lag';

export interface FaultPlan {
  /** Share of DynamoDB and SQS calls answered with an error, 0–1. */
  readonly errorRate: number;
  /** Also answer this share of calls with a 500 *after* forwarding them (the write may have applied). @default 0 */
  readonly lostResponseRate?: number;
  /** Share of the writers' job writes (`PutItem`, `BatchWriteItem`, not the functions') held back `lagMs`. @default 0 */
  readonly lagRate?: number;
  readonly lagMs?: number;
}

/**
 * The decision for one call: pure, so it is tested on its own; `random` is a uniform source in [0, 1).
 *
 * @example
 * ```ts
 * decideFault({ service: 'dynamodb', operation: 'PutItem' }, { errorRate: 0.05 }, Math.random); // usually undefined
 * ```
 */
export function decideFault(call: Call, plan: FaultPlan, random: () => number): FaultKind | undefined {
  if (call.service === 'other') return undefined;
  const roll = random();
  if (roll < plan.errorRate) {
    // Throttling is what AWS returns most under load; the rest are the two 5xx codes it documents as retryable.
    const which = roll / plan.errorRate;
    return which < 0.6 ? 'throttle' : which < 0.8 ? 'internal-error' : 'unavailable';
  }
  const lost = plan.lostResponseRate ?? 0;
  if (roll < plan.errorRate + lost) return 'lost-response';
  const isWrite =
    call.service === 'dynamodb' && !call.fromFunction && (call.operation === 'PutItem' || call.operation === 'BatchWriteItem');
  if (isWrite && random() < (plan.lagRate ?? 0)) return 'lag';
  return undefined;
}

/** An error response as AWS sends it for the JSON protocols of DynamoDB and SQS. */
export interface ErrorResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/**
 * The response for an injected error, shaped so the SDK classifies it as AWS's own: throttling codes are retried as
 * throttling, 500/503 as transient errors (SQS's JSON protocol also carries the code in `x-amzn-query-error`).
 *
 * @example
 * ```ts
 * errorResponse({ service: 'sqs', operation: 'SendMessage' }, 'throttle').status; // 400
 * ```
 */
export function errorResponse(call: Call, kind: Exclude<FaultKind, 'lag'>): ErrorResponse {
  const [status, code] =
    kind === 'throttle'
      ? [400, call.service === 'dynamodb' ? 'ThrottlingException' : 'RequestThrottled']
      : kind === 'unavailable'
        ? [503, 'ServiceUnavailable']
        : [500, call.service === 'dynamodb' ? 'InternalServerError' : 'InternalError'];
  const namespace = call.service === 'dynamodb' ? 'com.amazonaws.dynamodb.v20120810' : 'com.amazonaws.sqs';
  const headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': code };
  if (call.service === 'sqs') headers['x-amzn-query-error'] = `${code};${status >= 500 ? 'Receiver' : 'Sender'}`;
  return { status, headers, body: JSON.stringify({ __type: `${namespace}#${code}`, message: `chaos: injected ${kind} on ${call.operation}` }) };
}

/**
 * Which service and operation a request is for: DynamoDB's `X-Amz-Target: DynamoDB_20120810.<Op>`, SQS's
 * `AmazonSQS.<Op>` (JSON protocol) or `Action=<Op>` (query protocol).
 *
 * @example
 * ```ts
 * classifyCall({ 'x-amz-target': 'DynamoDB_20120810.PutItem' }, ''); // { service: 'dynamodb', operation: 'PutItem' }
 * ```
 */
export function classifyCall(headers: IncomingHttpHeaders, body: string): Call {
  const target = String(headers['x-amz-target'] ?? '');
  const fromFunction = /exec-env\/AWS_Lambda/.test(`${headers['user-agent'] ?? ''} ${headers['x-amz-user-agent'] ?? ''}`);
  if (target.startsWith('DynamoDB_')) return { service: 'dynamodb', operation: target.slice(target.indexOf('.') + 1), fromFunction };
  if (target.startsWith('AmazonSQS.')) return { service: 'sqs', operation: target.slice('AmazonSQS.'.length), fromFunction };
  const action = /(?:^|&)Action=([A-Za-z]+)/.exec(body)?.[1];
  if (action !== undefined) return { service: 'sqs', operation: action, fromFunction };
  return { service: 'other', operation: target || 'unknown', fromFunction };
}

/** Counts of what the proxy did, by kind and `service.operation`. */
export class FaultTally {
  readonly calls = new Map<Service, number>();
  readonly injected = new Map<FaultKind, number>();
  readonly byOperation = new Map<string, number>();

  countCall(call: Call): void {
    this.calls.set(call.service, (this.calls.get(call.service) ?? 0) + 1);
  }

  countFault(call: Call, kind: FaultKind): void {
    this.injected.set(kind, (this.injected.get(kind) ?? 0) + 1);
    const key = `${call.service}.${call.operation}`;
    this.byOperation.set(key, (this.byOperation.get(key) ?? 0) + 1);
  }

  get totalCalls(): number {
    return [...this.calls.values()].reduce((a, b) => a + b, 0);
  }

  get totalInjected(): number {
    return [...this.injected.values()].reduce((a, b) => a + b, 0);
  }
}

/** A running fault proxy. */
export interface FaultProxy {
  /** Where the callers under test go: faults apply here. */
  readonly endpoint: string;
  /** The same target without faults, for observers (the ledger, the final reads). */
  readonly observerEndpoint: string;
  /** Sets where requests go (the local stack's endpoint, known once its emulators run). */
  setTarget(target: string): void;
  readonly tally: FaultTally;
  /** Starts (or changes) injecting; before the first call of `arm` every request passes untouched. */
  arm(plan: FaultPlan): void;
  disarm(): void;
  stop(): Promise<void>;
}

/**
 * Starts a fault proxy on free loopback ports; requests go to the target set by `setTarget`.
 *
 * @example
 * ```ts
 * const proxy = await startFaultProxy();
 * const stack = await startLocalStack({ wrapEndpoint: async (target) => (proxy.setTarget(target), proxy) });
 * proxy.arm({ errorRate: 0.05 });
 * ```
 */
export async function startFaultProxy(random: () => number = Math.random): Promise<FaultProxy> {
  let targetUrl: URL | undefined;
  const tally = new FaultTally();
  let plan: FaultPlan | undefined;
  const timers = new Set<NodeJS.Timeout>();
  const handler = (faulty: boolean) => (incoming: IncomingMessage, outgoing: ServerResponse) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      const call = classifyCall(incoming.headers, body.toString('utf8'));
      if (faulty) tally.countCall(call);
      const fault = plan === undefined || !faulty ? undefined : decideFault(call, plan, random);
      if (fault !== undefined) tally.countFault(call, fault);
      const reply = (response: ErrorResponse) => {
        if (outgoing.headersSent) return;
        outgoing.writeHead(response.status, { ...response.headers, 'content-length': String(Buffer.byteLength(response.body)) });
        outgoing.end(response.body);
      };
      if (fault === 'throttle' || fault === 'internal-error' || fault === 'unavailable') {
        reply(errorResponse(call, fault));
        return;
      }
      const forward = () => {
        if (targetUrl === undefined) {
          reply({ status: 503, headers: { 'content-type': 'text/plain' }, body: 'chaos proxy: no target yet' });
          return;
        }
        const upstream = request(
          { host: targetUrl.hostname, port: targetUrl.port, method: incoming.method, path: incoming.url, headers: incoming.headers },
          (response) => {
            if (fault === 'lost-response') {
              // The emulator did the work; the caller hears a 500 and cannot tell.
              response.resume();
              response.on('end', () => reply(errorResponse(call, 'internal-error')));
              return;
            }
            outgoing.writeHead(response.statusCode ?? 502, response.headers);
            response.pipe(outgoing);
          },
        );
        upstream.on('error', (error) => reply({ status: 502, headers: { 'content-type': 'text/plain' }, body: `chaos proxy: ${error.message}` }));
        upstream.end(body);
      };
      if (fault === 'lag') {
        const timer = setTimeout(() => {
          timers.delete(timer);
          forward();
        }, plan?.lagMs ?? 0);
        timers.add(timer);
      } else {
        forward();
      }
    });
  };
  const listening = await listenOnLoopback(createServer(handler(true)));
  const observer = await listenOnLoopback(createServer(handler(false)));
  return {
    endpoint: listening.endpoint,
    observerEndpoint: observer.endpoint,
    setTarget: (target) => (targetUrl = new URL(target)),
    tally,
    arm: (next) => (plan = next),
    disarm: () => (plan = undefined),
    stop: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.all([listening.stop(), observer.stop()]);
    },
  };
}
