import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const orders = 'http://127.0.0.1:5000';
const inventory = 'http://127.0.0.1:5001';
const identity = 'http://127.0.0.1:5003';

export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    strictPort: true,
    proxy: {
      '/api/orders': { target: orders },
      '/api/webhooks': { target: orders },
      '/api/products': { target: inventory },
      '/api/auth': { target: identity },
      '/.well-known': { target: identity },
    },
  },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
});
