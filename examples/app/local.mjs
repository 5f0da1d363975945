// `npm run dev` after `npx cdk synth`: runs this app's synthesized stack on this machine (DynamoDB Local, an SQS
// emulator, the bundled functions), places one order through the `orders` function and waits for its receipt job.
// Prints one JSON line with what happened.
import { Scheduler } from 'sundial-scheduler';
import { startLocalStack } from 'sundial-scheduler/local';

const startedAt = Date.now();
const stack = await startLocalStack({ cloudAssembly: 'cdk.out', sweepEverySeconds: 1, onLog: () => undefined });
try {
  const orderId = `order-${Date.now()}`;
  const invoked = await stack.invoke('orders', { orderId, email: 'ada@example.com', amount: 42 });
  if (!invoked.ok) throw new Error(`orders failed: ${JSON.stringify(invoked.error)}`);
  const scheduler = Scheduler.fromEnv(stack.env);
  let receipt;
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 250))) {
    const { items } = await scheduler.list({ task: 'send-receipt' });
    receipt = items.find((job) => job.payload.orderId === orderId);
    if (receipt?.state === 'completed') break;
  }
  console.log(JSON.stringify({ orderId, bootMs: stack.bootMs, totalMs: Date.now() - startedAt, receipt }));
} finally {
  await stack.stop();
}
