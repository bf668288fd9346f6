import { runService } from '@pedidos/platform/runtime';
import { buildPayments } from './app';
import { paymentsConfigSpec } from './config';

await runService({ name: 'payments', spec: paymentsConfigSpec, build: buildPayments });
