/**
 * The app's stack: an orders table, an `orders` function, and sundial to send each order's receipt.
 */
import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Construct } from 'constructs';
import { SundialScheduler } from 'sundial-scheduler/cdk';

export class OrdersStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const sundial = new SundialScheduler(this, 'Sundial', { tasksEntry: 'src/tasks.ts' });

    const orders = new dynamodb.Table(this, 'OrdersTable', {
      partitionKey: { name: 'orderId', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    });
    const ordersFunction = new NodejsFunction(this, 'orders', {
      entry: 'src/orders.ts',
      runtime: lambda.Runtime.NODEJS_24_X,
      timeout: Duration.seconds(30),
      environment: { ORDERS_TABLE: orders.tableName },
      // The SDK this app was tested with, not the runtime's copy (updated on no fixed cadence).
      bundling: { bundleAwsSDK: true, minify: true },
    });
    orders.grantWriteData(ordersFunction);
    sundial.bindTo(ordersFunction); // SUNDIAL_* environment + what enqueueing needs
  }
}
