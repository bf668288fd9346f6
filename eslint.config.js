// @ts-check
import tseslint from 'typescript-eslint';

const SERVICES = ['orders', 'inventory', 'identity'];

/** The architecture's import rules (docs/architecture.md), enforced here rather than in review. */
const boundaries = [
  // No service imports another: they meet only through contracts (HTTP and events).
  ...SERVICES.map((service) => ({
    files: [`services/${service}/**/*.ts`],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: SERVICES.filter((other) => other !== service).map((other) => ({
          group: [`@pedidos/${other}`, `@pedidos/${other}/*`, `**/${other}/src/**`],
          message: `The ${service} service may not import the ${other} service; share a contract in packages/contracts instead.`,
        })),
      }],
    },
  })),
  {
    // Domain rules are pure: no framework, database, platform or sibling folder; only the wire vocabulary.
    files: ['services/*/src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{
          regex: '^(?!\\./|@pedidos/contracts/)',
          message: 'domain/ imports nothing outside itself (but the shared vocabulary in @pedidos/contracts).',
        }],
      }],
    },
  },
  {
    // Shared code knows no service and no wire format.
    files: ['packages/platform/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ regex: '^@pedidos/', message: 'platform is shared by every service and imports none of them.' }],
      }],
    },
  },
  {
    files: ['packages/contracts/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ regex: '^(?!\\./|typebox)', message: 'contracts are wire formats only: typebox and nothing else.' }],
      }],
    },
  },
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
