// The import rules of docs/architecture.md are lint rules: each is shown refusing a forbidden import
// and letting an allowed one through, on snippets linted as if they sat at the given path.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './compose-config';

const eslint = new ESLint({ cwd: REPO_ROOT });

/** The import-rule messages ESLint gives `from` when imported by a file at `filePath`. */
async function importErrors(filePath: string, from: string): Promise<string[]> {
  const [result] = await eslint.lintText(`import { x } from '${from}';\nexport { x };\n`, { filePath });
  expect(result!.messages.filter((m) => m.fatal)).toEqual([]);
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const cases: { rule: string; file: string; forbidden: [string, RegExp][]; allowed: string[] }[] = [
  {
    rule: 'no service imports another',
    file: 'services/orders/src/orders-service.ts',
    forbidden: [
      ['@pedidos/inventory/app', /orders service may not import the inventory service/],
      ['../../identity/src/identity-service', /orders service may not import the identity service/],
    ],
    allowed: ['@pedidos/contracts/orders', '@pedidos/platform/logger', './db/order-rows'],
  },
  {
    rule: 'domain/ imports only itself and contracts',
    file: 'services/orders/src/domain/pricing.ts',
    forbidden: [
      ['@pedidos/platform/logger', /domain\/ imports nothing outside itself/],
      ['../db/schema', /domain\/ imports nothing outside itself/],
    ],
    allowed: ['./order-status', '@pedidos/contracts/orders'],
  },
  {
    // The domain's own rule would refuse this too; the service rule must still name the service.
    rule: 'domain/ also keeps the no-other-service rule',
    file: 'services/inventory/src/domain/reservation.ts',
    forbidden: [['@pedidos/orders/app', /inventory service may not import the orders service/]],
    allowed: [],
  },
  {
    rule: 'http/ does not import db/',
    file: 'services/orders/src/http/routes.ts',
    forbidden: [
      ['../db/schema', /http\/ may not import db\//],
      ['@pedidos/identity/app', /orders service may not import the identity service/],
    ],
    allowed: ['../orders-service', './sse', '@pedidos/platform/http'],
  },
  {
    rule: 'messaging/ does not import db/',
    file: 'services/inventory/src/messaging/handlers.ts',
    forbidden: [['../db/reservation-rows', /messaging\/ may not import db\//]],
    allowed: ['../inventory-service', '@pedidos/platform/messaging/bus'],
  },
  {
    rule: 'a web feature does not import another',
    file: 'web/src/features/admin/api/order-action.ts',
    forbidden: [
      ['../../orders/api/get-order', /features\/admin may not import another feature/],
      ['../../../features/orders/api/get-order', /features\/admin may not import another feature/],
    ],
    allowed: ['./get-products', '../price-input', '../../../lib/update-order-cache', '@pedidos/contracts/orders'],
  },
  {
    rule: 'a web feature does not import another, from any depth',
    file: 'web/src/features/cart/cart-store.ts',
    forbidden: [['../catalog/api/get-products', /features\/cart may not import another feature/]],
    allowed: ['./components/cart-view', '../../lib/storage'],
  },
  {
    rule: 'platform imports no service and no contract',
    file: 'packages/platform/src/logger.ts',
    forbidden: [
      ['@pedidos/contracts/orders', /platform is shared by every service/],
      ['@pedidos/orders/app', /platform is shared by every service/],
    ],
    allowed: ['./errors', 'pino'],
  },
  {
    rule: 'contracts import only TypeBox',
    file: 'packages/contracts/src/orders.ts',
    forbidden: [
      ['fastify', /contracts are wire formats only/],
      ['@pedidos/platform/logger', /contracts are wire formats only/],
    ],
    allowed: ['./common', 'typebox', 'typebox/value'],
  },
];

describe('lint: the import rules', () => {
  for (const { rule, file, forbidden, allowed } of cases) {
    describe(`${rule} (${file})`, () => {
      for (const [from, message] of forbidden) {
        it(`refuses '${from}'`, async () => {
          const errors = await importErrors(file, from);
          expect(errors).toContainEqual(expect.stringMatching(message));
        });
      }
      for (const from of allowed) {
        it(`allows '${from}'`, async () => {
          expect(await importErrors(file, from)).toEqual([]);
        });
      }
    });
  }
});
