// @ts-check
import { readdirSync } from 'node:fs';
import tseslint from 'typescript-eslint';

const SERVICES = ['orders', 'inventory', 'identity', 'payments'];
/** Web feature folders, read from the tree so that a new feature is fenced in without editing this file. */
const FEATURES = readdirSync(new URL('./web/src/features/', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);
/** How deep below its feature folder a web file may sit and still be checked (features/<a>/x/y/z.tsx is 3). */
const MAX_FEATURE_DEPTH = 4;

/** The patterns of the architecture's import rules (docs/architecture.md), by who they bind. */
const forbid = {
  // No service imports another: they meet only through contracts (HTTP and events).
  otherServices: (service) => SERVICES.filter((other) => other !== service).map((other) => ({
    group: [`@pedidos/${other}`, `@pedidos/${other}/*`, `**/${other}/src/**`],
    message: `The ${service} service may not import the ${other} service; share a contract in packages/contracts instead.`,
  })),
  // Domain rules are pure: no framework, database, platform or sibling folder; only the wire vocabulary.
  domain: {
    regex: '^(?!\\./|@pedidos/contracts/)',
    message: 'domain/ imports nothing outside itself (but the shared vocabulary in @pedidos/contracts).',
  },
  // Adapters call use cases; the queries stay behind them.
  db: (folder) => ({
    regex: '^\\.\\.?/(?:.*/)?db(?:/|$)',
    message: `${folder}/ may not import db/: call the service's use cases, which own the queries and the transaction.`,
  }),
  // A feature of the web is used through routes, not imported by another feature; shared code goes to lib/ or components/.
  otherFeatures: (feature, depth) => [
    {
      // Climbing out of the feature lands in features/ after depth + 1 steps.
      regex: `^(?:\\.\\./){${depth + 1}}(?!${feature}(?:/|$))[^./]`,
      message: `web/src/features/${feature} may not import another feature; move what they share to web/src/lib or web/src/components.`,
    },
    {
      regex: `(?:^|/)features/(?!${feature}(?:/|$))`,
      message: `web/src/features/${feature} may not import another feature; move what they share to web/src/lib or web/src/components.`,
    },
  ],
  platform: { regex: '^@pedidos/', message: 'platform is shared by every service and imports none of them.' },
  contracts: { regex: '^(?!\\./|typebox)', message: 'contracts are wire formats only: typebox and nothing else.' },
};

/**
 * Flat config does not merge two objects' `no-restricted-imports` for one file (the later wins), so
 * each object below carries every pattern that binds its files, and a narrower glob comes after a wider one.
 */
const restrict = (files, patterns) => ({ files, rules: { 'no-restricted-imports': ['error', { patterns }] } });

const boundaries = [
  ...SERVICES.flatMap((service) => [
    restrict([`services/${service}/**/*.ts`], forbid.otherServices(service)),
    restrict([`services/${service}/src/domain/**/*.ts`], [...forbid.otherServices(service), forbid.domain]),
    ...['http', 'messaging'].map((folder) =>
      restrict([`services/${service}/src/${folder}/**/*.ts`], [...forbid.otherServices(service), forbid.db(folder)])),
  ]),
  ...FEATURES.flatMap((feature) =>
    Array.from({ length: MAX_FEATURE_DEPTH + 1 }, (_, depth) =>
      restrict([`web/src/features/${feature}/${'*/'.repeat(depth)}*.{ts,tsx}`], forbid.otherFeatures(feature, depth)))),
  restrict(['packages/platform/**/*.ts'], [forbid.platform]),
  restrict(['packages/contracts/**/*.ts'], [forbid.contracts]),
];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'data/**', '**/migrations/**', 'test-output/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-console': ['error', { allow: ['error'] }],
    },
  },
  ...boundaries,
  {
    files: ['**/test/**/*.ts', 'scripts/**/*.ts', 'bench/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
);
