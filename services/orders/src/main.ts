import { runService } from '@pedidos/platform/runtime';
import { buildOrders } from './app';
import { ordersConfigSpec } from './config';

await runService({ name: 'orders', spec: ordersConfigSpec, build: buildOrders });
