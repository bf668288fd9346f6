// Vitest global setup of the browser tests: the shops they start serve web/dist, built here
// once when it is missing or stale, before any file runs (files side by side must not both build
// it). A WEB_DIST_DIR in the environment names another bundle, served as it is.
import { createLogger } from '@pedidos/platform/logger';
import { ensureWebBuild } from '../../../launcher/src/web-build';

export default function buildWeb(): void {
  if (process.env.WEB_DIST_DIR === undefined) ensureWebBuild(createLogger({ level: 'info', service: 'e2e' }));
}
