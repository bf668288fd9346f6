import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// Runs from the repository root too (`--config web/vitest.config.ts` or as a root project): paths are anchored here.
const root = new URL('.', import.meta.url).pathname;

export default defineConfig({
  root,
  plugins: [react()],
  test: {
    name: 'web',
    root,
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test/setup.ts'],
    restoreMocks: true,
    unstubGlobals: true,
  },
});
