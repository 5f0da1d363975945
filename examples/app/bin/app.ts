import { App } from 'aws-cdk-lib';
import { OrdersStack } from '../lib/orders-stack.ts';

const app = new App();
new OrdersStack(app, 'Orders');
