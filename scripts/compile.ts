/**
 * `npm run build:services` (part of `npm run build`): the entry files production runs, compiled to
 * JavaScript by esbuild, each into its workspace's dist/ (`services/orders/src/main.ts` →
 * `services/orders/dist/main.js`, with `main.js.map`), so that `node --enable-source-maps` runs them
 * with no TypeScript loader and stack traces still name the .ts files. The workspace's own code
 * (@pedidos/*, whose packages export .ts sources) is bundled in; every npm package stays an import
 * resolved from node_modules at run time.
 */
import { readFile, rm } from 'node:fs/promises';
import { dirname, join, posix, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** What production runs (relative to the repository root): the services, the seed and `npm start`'s launcher. */
export const ENTRIES = [
  'services/identity/src/main.ts',
  'services/inventory/src/main.ts',
  'services/inventory/src/seed-main.ts',
  'services/orders/src/main.ts',
  'services/payments/src/main.ts',
  'services/payments/src/sandbox-main.ts',
  'launcher/src/main.ts',
] as const;

/**
 * How production starts node (the image's ENTRYPOINT, `npm run start:prod:*`, the bench): source
 * maps, so stack traces name the .ts files; and a young generation of 8 MiB instead of 32 and an
 * old generation let grow to 1.4 times what survived the last full collection instead of up to 4
 * times, so a service's heap follows its live objects (~45 MiB) rather than the garbage of a burst:
 * under the bench's load each process peaks under 150 MiB instead of 230-300, at no throughput the
 * bench can tell apart (README, "Memory").
 */
export const PRODUCTION_NODE_FLAGS = ['--enable-source-maps', '--max-semi-space-size=4', '--heap-growing-percent=40'] as const;

/** Where an entry's JavaScript goes: `<workspace>/src/<name>.ts` → `<workspace>/dist/<name>.js`. */
export function compiledPath(entry: string): string {
  const parts = /^(.+)\/src\/([^/]+)\.ts$/.exec(entry);
  if (!parts) throw new Error(`${entry} is not a <workspace>/src/<name>.ts entry`);
  return `${parts[1]}/dist/${parts[2]}.js`;
}

/**
 * Compiles every entry under `outRoot` (the repository itself by default) and returns the
 * JavaScript files written, relative to it. Each workspace's dist/ is emptied first.
 */
export async function compile({ outRoot = REPO_ROOT }: { outRoot?: string } = {}): Promise<string[]> {
  const outputs = ENTRIES.map(compiledPath);
  await Promise.all([...new Set(outputs.map((output) => posix.dirname(output)))].map((dir) => rm(join(outRoot, dir), { recursive: true, force: true })));
  // One build per entry: the import.meta.url rewrite depends on where that entry's file lands.
  await Promise.all(ENTRIES.map((entry, i) => build({
    absWorkingDir: REPO_ROOT,
    entryPoints: [entry],
    outfile: join(outRoot, outputs[i]!),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: true,
    sourcesContent: false,
    logLevel: 'warning',
    plugins: [npmPackagesExternal, sourceFileUrls(dirname(join(REPO_ROOT, outputs[i]!)))],
  })));
  return outputs;
}

/** Bare imports but @pedidos/* (and node: built-ins) are left to Node to resolve from node_modules. */
const npmPackagesExternal: Plugin = {
  name: 'npm-packages-external',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@pedidos/') ? undefined : { path: args.path, external: true }));
  },
};

/**
 * In a bundle `import.meta.url` would be the bundle's URL; rewritten, it stays the URL of the
 * source file it is written in, expressed relative to where the bundle lands in the same tree. So
 * `new URL('../migrations', import.meta.url)` in services/orders/src/app.ts finds
 * services/orders/migrations from any bundle (the launcher's too), in the repository or in an image
 * that holds dist/ and migrations/ without src/.
 */
function sourceFileUrls(bundleDir: string): Plugin {
  return {
    name: 'source-file-urls',
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, async (args) => {
        if (args.path.split(sep).includes('node_modules')) return undefined;
        const source = await readFile(args.path, 'utf8');
        if (!source.includes('import.meta')) return undefined;
        const other = /import\.meta\.(?!url\b)\w+/.exec(source);
        if (other) {
          return { errors: [{ text: `${other[0]} would describe the bundle, not ${relative(REPO_ROOT, args.path)}: use new URL(…, import.meta.url)` }] };
        }
        const fromBundle = relative(bundleDir, args.path).split(sep).join('/');
        return { contents: source.replaceAll('import.meta.url', `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`), loader: 'ts' };
      });
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  const outputs = await compile();
  console.log(`compiled ${outputs.join(', ')} in ${Date.now() - started} ms`);
}
