/** The app's tasks: bundled into sundial's consumer at synth (`tasksEntry: 'src/tasks.ts'`). */
import { defineTask } from 'sundial-scheduler';

export const sendReceipt = defineTask('send-receipt', async (payload: { orderId: string; email: string }, ctx) => {
  ctx.logger.info('receipt sent', { orderId: payload.orderId, to: payload.email });
  return { sentTo: payload.email };
}, { maxAttempts: 5, storeResult: true });
