/**
 * The `orders` function: writes an order and enqueues its receipt in one DynamoDB transaction, so there is never an
 * order without a receipt job, nor a receipt for an order that was not written.
 */
import { DynamoDBClient, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { Scheduler } from 'sundial-scheduler';

const dynamodb = new DynamoDBClient({});
const scheduler = Scheduler.fromEnv(); // the SUNDIAL_* variables sundial.bindTo(ordersFunction) set

export const handler = async (event: { orderId: string; email: string; amount: number }) => {
  await dynamodb.send(
    new TransactWriteItemsCommand({
      TransactItems: [
        {
          Put: {
            TableName: process.env.ORDERS_TABLE!,
            Item: { orderId: { S: event.orderId }, email: { S: event.email }, amount: { N: String(event.amount) } },
            ConditionExpression: 'attribute_not_exists(orderId)',
          },
        },
        ...scheduler.transactItems('send-receipt', { orderId: event.orderId, email: event.email }, { unique: `receipt:${event.orderId}` }),
      ],
    }),
  );
  return { orderId: event.orderId };
};
