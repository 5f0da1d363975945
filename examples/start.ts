/**
 * `npm start`: boots the local stack (DynamoDB Local, the SQS emulator, the synthesized stack deployed locally with
 * its bundled handlers), schedules a few example jobs and prints each as it fires with its lateness. Ctrl-C stops it.
 */
import { fileURLToPath } from 'node:url';
import { startLocalStack } from '../infra/local/index.ts';
import { Scheduler } from '../lib/index.ts';

const tasks = fileURLToPath(new URL('./tasks.ts', import.meta.url));
console.log('[sundial] starting the local stack (DynamoDB Local, SQS emulator, bundled Lambda handlers)…');
const stack = await startLocalStack({
  workers: [tasks],
  // Show only what the tasks print, not every runtime log line.
  onLog: ({ logicalId, line }) => {
    if (line.includes('[sundial]')) console.log(line.slice(line.indexOf('[sundial]')));
    else if (process.env.SUNDIAL_VERBOSE) console.log(`[${logicalId}] ${line}`);
  },
});
console.log(`[sundial] local stack up in ${stack.bootMs} ms; table ${stack.env.SUNDIAL_TABLE_NAME}`);

// A deployed consumer that has served traffic is warm; a fresh one pays a cold start (process spawn and module load)
// on its first invocation. Warm it with an empty batch so the demo shows the scheduler's lateness, not that.
await stack.invoke('Consumer', { Records: [] });
console.log('[sundial] consumer warmed (an empty SQS batch), as a deployment that has served traffic would be');

const scheduler = Scheduler.fromEnv(stack.env);
const soon = await scheduler.enqueue('announce', { label: 'one-off in 5 s (direct SQS path)' }, { in: 5 });
const later = await scheduler.enqueue('announce', { label: 'one-off in 90 s' }, { in: 90 });
const every = await scheduler.schedule('every-minute', 'announce', { label: 'cron * * * * * (every minute)' }, { cron: '* * * * *' });
console.log(`[sundial] enqueued ${soon.id} due ${soon.dueAt.toISOString()}`);
console.log(`[sundial] enqueued ${later.id} due ${later.dueAt.toISOString()}`);
console.log(`[sundial] scheduled "${every.id}", next run ${every.nextRunAt?.toISOString()}`);
console.log('[sundial] watching; Ctrl-C to stop. (SUNDIAL_VERBOSE=1 shows every handler log line.)');

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  console.log('\n[sundial] stopping…');
  await stack.stop();
  console.log('[sundial] stopped: emulators and handlers are down.');
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
