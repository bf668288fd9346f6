import { runService } from '@pedidos/platform/runtime';
import { buildInventory } from './app';
import { inventoryConfigSpec } from './config';

await runService({ name: 'inventory', spec: inventoryConfigSpec, build: buildInventory });
