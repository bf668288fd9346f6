// What `kubectl kustomize` makes of a kustomization, without kubectl: there is none on a fresh
// machine, nor a kustomize on npm. Only the fields deploy/k8s uses are implemented, and a field
// outside them is an error, so the emulation cannot silently drift from what kustomize would do.
// Generated objects keep their plain names: kustomize appends a content hash and renames every
// reference it knows of, which changes nothing these checks look at.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

interface Generator {
  name: string;
  type?: string;
  envs?: string[];
  literals?: string[];
  options?: { labels?: Record<string, string> };
}

interface Replacement {
  source: { kind: string; name: string; fieldPath: string };
  targets: { select: { kind: string; name: string }; fieldPaths: string[]; options?: { create?: boolean } }[];
}

export interface Kustomization {
  apiVersion: string;
  kind: string;
  namespace?: string;
  resources?: string[];
  images?: { name: string; newName?: string; newTag?: string }[];
  configMapGenerator?: Generator[];
  secretGenerator?: Generator[];
  replacements?: Replacement[];
  configurations?: string[];
}

const SUPPORTED = new Set([
  'apiVersion', 'kind', 'namespace', 'resources', 'images', 'configMapGenerator', 'secretGenerator', 'replacements', 'configurations',
]);

/** Kinds that live outside any namespace (kustomize leaves their metadata alone). */
const CLUSTER_SCOPED = new Set(['Namespace']);

/** Every document of a YAML file; a syntax error anywhere is an error naming the file. */
export function readYamlDocuments(file: string): unknown[] {
  const documents = parseAllDocuments(readFileSync(file, 'utf8'));
  for (const document of documents) {
    if (document.errors.length > 0) throw new Error(`${file}: ${document.errors[0]!.message}`);
  }
  return documents.map((d) => d.toJS() as unknown).filter((d) => d !== null);
}

export function readKustomization(dir: string): Kustomization {
  const [kustomization, ...rest] = readYamlDocuments(join(dir, 'kustomization.yaml')) as Kustomization[];
  if (!kustomization || rest.length > 0) throw new Error('kustomization.yaml must hold exactly one document');
  const unsupported = Object.keys(kustomization).filter((field) => !SUPPORTED.has(field));
  if (unsupported.length > 0) throw new Error(`kustomization.yaml uses fields this emulation does not implement: ${unsupported.join(', ')}`);
  return kustomization;
}

/**
 * kustomize's env file: `KEY=VALUE` lines, blank lines and `#` comments skipped, the value taken
 * verbatim after the first `=`.
 */
export function parseEnvFile(text: string): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const at = line.indexOf('=');
    if (at <= 0) throw new Error(`not KEY=VALUE: ${line}`);
    entries[line.slice(0, at)] = line.slice(at + 1);
  }
  return entries;
}

export interface Build {
  kustomization: Kustomization;
  /** Every object kustomize would print, generated ones included. */
  objects: Manifest[];
  /** Each resource file's objects before any transformation (the file as written). */
  sources: Map<string, Manifest[]>;
}

/**
 * `kubectl kustomize dir`, with `files` standing in for files of the directory that are not
 * committed (secrets.env is made by the user from its example).
 */
export function build(dir: string, files: Record<string, string> = {}): Build {
  const kustomization = readKustomization(dir);
  const read = (name: string) => files[name] ?? readFileSync(join(dir, name), 'utf8');
  const sources = new Map<string, Manifest[]>();
  const objects: Manifest[] = [];
  for (const file of kustomization.resources ?? []) {
    if (!existsSync(join(dir, file))) throw new Error(`kustomization.yaml lists ${file}, which does not exist`);
    const manifests = readYamlDocuments(join(dir, file)) as Manifest[];
    sources.set(file, manifests);
    objects.push(...structuredClone(manifests));
  }
  for (const generator of kustomization.configMapGenerator ?? []) {
    objects.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: metadataOf(generator), data: generated(generator, read) });
  }
  for (const generator of kustomization.secretGenerator ?? []) {
    const data = Object.fromEntries(Object.entries(generated(generator, read)).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
    objects.push({ apiVersion: 'v1', kind: 'Secret', type: generator.type ?? 'Opaque', metadata: metadataOf(generator), data });
  }
  for (const replacement of kustomization.replacements ?? []) replace(objects, replacement);
  if (kustomization.namespace) {
    for (const object of objects) if (!CLUSTER_SCOPED.has(object.kind)) object.metadata.namespace = kustomization.namespace;
  }
  for (const image of kustomization.images ?? []) {
    for (const container of objects.flatMap(containersOf)) {
      if (imageName(container.image) !== image.name) continue;
      container.image = `${image.newName ?? image.name}:${image.newTag ?? imageTag(container.image) ?? 'latest'}`;
    }
  }
  return { kustomization, objects, sources };
}

const metadataOf = (generator: Generator): Manifest['metadata'] =>
  generator.options?.labels ? { name: generator.name, labels: generator.options.labels } : { name: generator.name };

function generated(generator: Generator, read: (file: string) => string): Record<string, string> {
  const data: Record<string, string> = {};
  for (const file of generator.envs ?? []) Object.assign(data, parseEnvFile(read(file)));
  Object.assign(data, parseEnvFile((generator.literals ?? []).join('\n')));
  return data;
}

function replace(objects: Manifest[], { source, targets }: Replacement): void {
  const find = (kind: string, name: string) => {
    const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
    if (!found) throw new Error(`replacements: no ${kind} ${name}`);
    return found;
  };
  const value = getPath(find(source.kind, source.name), source.fieldPath);
  if (value === undefined) throw new Error(`replacements: ${source.kind} ${source.name} has no ${source.fieldPath}`);
  for (const target of targets) {
    const object = find(target.select.kind, target.select.name);
    for (const path of target.fieldPaths) {
      if (getPath(object, path) === undefined && !target.options?.create) {
        throw new Error(`replacements: ${target.select.kind} ${target.select.name} has no ${path} (and create is not set)`);
      }
      setPath(object, path, value);
    }
  }
}

function getPath(object: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), object);
}

function setPath(object: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = object;
  for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
  node[keys.at(-1)!] = value;
}

interface Container {
  name: string;
  image: string;
}

/** The containers of a workload's pod template (what kustomize's `images` rewrites). */
export function containersOf(object: Manifest): Container[] {
  const template = (object.spec as { template?: { spec?: { containers?: Container[]; initContainers?: Container[] } } } | undefined)?.template;
  return [...(template?.spec?.containers ?? []), ...(template?.spec?.initContainers ?? [])];
}

/** `registry/name:tag@digest` → `registry/name` (a port in the registry is not a tag). */
export function imageName(image: string): string {
  const withoutDigest = image.split('@')[0]!;
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  return colon > slash ? withoutDigest.slice(0, colon) : withoutDigest;
}

function imageTag(image: string): string | undefined {
  const name = imageName(image);
  const rest = image.split('@')[0]!.slice(name.length);
  return rest.startsWith(':') ? rest.slice(1) : undefined;
}
