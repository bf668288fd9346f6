import { exitOnConfigError } from '@pedidos/platform/config';
import { runService } from '@pedidos/platform/runtime';
import { buildIdentity } from './app';
import { identityConfigSpec, loadIdentityConfig } from './config';

// runService checks each variable alone; this adds the rule that spans two (production needs ADMIN_PASSWORD).
exitOnConfigError(() => loadIdentityConfig(process.env));
await runService({ name: 'identity', spec: identityConfigSpec, build: buildIdentity });
