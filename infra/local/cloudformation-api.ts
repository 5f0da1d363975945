/**
 * CloudFormation's `DescribeStacks` for the locally deployed stack, so `sundial --stack NAME` (and `aws cloudformation
 * describe-stacks`) read its outputs exactly as they read a deployed stack's on AWS. The endpoint router sends it the
 * requests signed for the `cloudformation` service (the query protocol: form-encoded `Action=…`, XML answers).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A stack as the local API describes it. */
export interface LocalCfnStack {
  readonly stackName: string;
  readonly stackId: string;
  readonly description?: string;
  readonly createdAt: Date;
  readonly outputs: readonly { readonly key: string; readonly value: string; readonly description?: string }[];
}

const NAMESPACE = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';

/**
 * The local CloudFormation API: register the deployed stack, then hand it requests.
 *
 * @example
 * ```ts
 * const api = new LocalCloudFormationApi();
 * api.register({ stackName: 'Sundial', stackId, createdAt: new Date(), outputs: deployed.outputs });
 * ```
 */
export class LocalCloudFormationApi {
  private readonly stacks: LocalCfnStack[] = [];

  /** Makes a stack describable. */
  register(stack: LocalCfnStack): void {
    this.stacks.push(stack);
  }

  /** Whether this request is a CloudFormation call: its SigV4 credential scope names the service. */
  handles(request: IncomingMessage): boolean {
    return /\/cloudformation\/aws4_request/.test(String(request.headers.authorization ?? ''));
  }

  /** Answers one request as the service does (XML bodies, `ValidationError` for an unknown stack). */
  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const params = new URLSearchParams(await readBody(request));
    const action = params.get('Action');
    if (action !== 'DescribeStacks') {
      return fail(response, 400, 'InvalidAction', `The local stack answers DescribeStacks only (received ${action ?? 'no Action'}).`);
    }
    const wanted = params.get('StackName');
    const stacks = wanted === null ? this.stacks : this.stacks.filter((s) => s.stackName === wanted || s.stackId === wanted);
    if (stacks.length === 0) return fail(response, 400, 'ValidationError', `Stack with id ${wanted} does not exist`);
    const members = stacks.map((s) =>
      member(
        tag('StackName', s.stackName) +
          tag('StackId', s.stackId) +
          (s.description === undefined ? '' : tag('Description', s.description)) +
          tag('CreationTime', s.createdAt.toISOString()) +
          tag('StackStatus', 'CREATE_COMPLETE') +
          `<Outputs>${s.outputs
            .map((o) => member(tag('OutputKey', o.key) + tag('OutputValue', o.value) + (o.description === undefined ? '' : tag('Description', o.description))))
            .join('')}</Outputs>`,
      ),
    );
    reply(
      response,
      200,
      `<DescribeStacksResponse xmlns="${NAMESPACE}"><DescribeStacksResult><Stacks>${members.join('')}</Stacks></DescribeStacksResult>` +
        `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></DescribeStacksResponse>`,
    );
  }
}

const member = (inner: string) => `<member>${inner}</member>`;
const tag = (name: string, value: string) => `<${name}>${escapeXml(value)}</${name}>`;

function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function fail(response: ServerResponse, status: number, code: string, message: string): void {
  reply(
    response,
    status,
    `<ErrorResponse xmlns="${NAMESPACE}"><Error><Type>Sender</Type>${tag('Code', code)}${tag('Message', message)}</Error>` +
      `<RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
  );
}

function reply(response: ServerResponse, status: number, xml: string): void {
  response.writeHead(status, { 'content-type': 'text/xml' });
  response.end(xml);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
