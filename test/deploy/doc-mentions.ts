// What a Markdown document names that the code must back: npm scripts, environment variables,
// repository paths, PromQL metric names. Plain regular expressions over the few Markdown forms the
// docs use (fenced blocks, inline code, links); no Markdown parser is installed.
import { existsSync, readdirSync } from 'node:fs';
import { join, normalize, posix } from 'node:path';
import { parse as parseYaml } from 'yaml';

export interface MarkdownParts {
  fences: { lang: string; body: string }[];
  /** Contents of inline code spans, outside fenced blocks. */
  inline: string[];
  /** Link targets, outside fenced blocks. */
  links: string[];
}

const FENCE = /^(```|~~~)[ \t]*([\w-]*)[^\n]*\n([\s\S]*?)^\1[ \t]*$/gm;

export function markdownParts(text: string): MarkdownParts {
  const fences = [...text.matchAll(FENCE)].map((m) => ({ lang: m[2]!.toLowerCase(), body: m[3]! }));
  const prose = text.replace(FENCE, '');
  return {
    fences,
    inline: [...prose.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!),
    links: [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!),
  };
}

/** `npm run <script>`, `npm start`, `npm test`, with the workspace of a `-w`/`--workspace` flag. */
export function npmScripts(text: string): { script: string; workspace?: string }[] {
  return [...text.matchAll(/\bnpm\s+(?:run(?:-script)?\s+([\w:.-]+)|(start|test)\b)([^\n`]*)/g)].map((m) => {
    const args = (m[3] ?? '').split(/\s+--(?:\s|$)/, 1)[0]!;
    const workspace = /(?:^|\s)(?:-w|--workspace)(?:\s+|=)(\S+)/.exec(args)?.[1];
    return { script: m[1] ?? m[2]!, ...(workspace ? { workspace } : {}) };
  });
}

/**
 * Every UPPER_SNAKE name with an underscore (not part of a dotted code like `ORDER.NOT_FOUND`, nor
 * the placeholder of a command-line option like `--id EVENT_ID`), and every `NAME=` assignment,
 * which also catches one-word names such as `PORT=`.
 */
export function envVariables(text: string): string[] {
  const snake = [...text.matchAll(/(?<![\w.\-/])(?<!--[\w-]+ )([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)(?![\w.\-])/g)].map((m) => m[1]!);
  const assigned = [...text.matchAll(/(?<![\w.$\-/])([A-Z][A-Z0-9_]*)=/g)].map((m) => m[1]!);
  return unique([...snake, ...assigned]);
}

/**
 * Repository paths: tokens of inline code and fenced blocks whose first segment is a top-level
 * entry of the repository (and that have a `/`, or are a top-level file), plus relative links,
 * resolved from the document's folder. `<placeholder>` and `*` segments stay as they are.
 */
export function pathMentions(parts: MarkdownParts, docDir: string, topLevel: ReadonlySet<string>): string[] {
  const tokens = [...parts.inline, ...parts.fences.map((f) => f.body)]
    .flatMap((text) => text.split(/[\s"'`(),;=|]+/))
    .map((t) => t.replace(/^\.\//, '').replace(/[.:]+$/, ''))
    .filter((t) => {
      const first = t.split('/')[0]!;
      return topLevel.has(first) && (t.includes('/') || /\.\w+$/.test(first));
    });
  const links = parts.links
    .filter((l) => !/^[a-z][a-z0-9+.-]*:/i.test(l) && !l.startsWith('#'))
    .map((l) => posix.normalize(posix.join(docDir, l.split('#', 1)[0]!)));
  return unique([...tokens, ...links].map((p) => p.replace(/\/+$/, '')));
}

/** True when `path` (relative to `root`, `<x>` or `*` matching any one entry) names something that exists. */
export function pathExists(root: string, path: string): boolean {
  const walk = (dir: string, segments: string[]): boolean => {
    if (segments.length === 0) return true;
    const [head, ...rest] = segments as [string, ...string[]];
    if (/^<[^>]+>$|^\*$/.test(head)) {
      let entries: string[];
      try {
        entries = readdirSync(dir);
      } catch {
        return false;
      }
      return entries.some((entry) => walk(join(dir, entry), rest));
    }
    const next = join(dir, head);
    return existsSync(next) && walk(next, rest);
  };
  return walk(root, normalize(path).split(/[\\/]/).filter((s) => s !== ''));
}

/** The PromQL of a document: ```promql blocks, and every `expr` of the rule files in ```yaml blocks. */
export function promqlExpressions(parts: MarkdownParts): string[] {
  const fromYaml = parts.fences
    .filter((f) => f.lang === 'yaml' || f.lang === 'yml')
    .flatMap((f) => exprsOf(parseYaml(f.body) as unknown));
  const fromPromql = parts.fences.filter((f) => f.lang === 'promql').flatMap((f) => f.body.split('\n'));
  return [...fromYaml, ...fromPromql].map((e) => e.trim()).filter((e) => e !== '');
}

function exprsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(exprsOf);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, v]) => (key === 'expr' && typeof v === 'string' ? [v] : exprsOf(v)));
}

const PROMQL_KEYWORDS = new Set(['and', 'or', 'unless', 'offset', 'bool', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'inf', 'nan']);

/** The metric names a PromQL expression selects: identifiers that are not functions, keywords, labels or literals. */
export function promqlMetricNames(expr: string): string[] {
  const bare = expr
    .replace(/#[^\n]*/g, ' ')
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  return unique(
    [...bare.matchAll(/(?<![\w.:])([a-zA-Z_:][\w:]*)(?![\w:])(?!\s*\()/g)]
      .map((m) => m[1]!)
      .filter((name) => !PROMQL_KEYWORDS.has(name.toLowerCase())),
  );
}

/** The label names a PromQL expression matches on (`{name="…"}`) or groups by (`by (name, …)`). */
export function promqlLabelNames(expr: string): string[] {
  const bare = expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""');
  const matchers = [...bare.matchAll(/\{([^}]*)\}/g)].flatMap((m) => [...m[1]!.matchAll(/([a-zA-Z_]\w*)\s*(?:=~|!~|!=|=)/g)].map((l) => l[1]!));
  const grouped = [...bare.matchAll(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g)]
    .flatMap((m) => m[1]!.split(',').map((l) => l.trim()).filter((l) => l !== ''));
  return unique([...matchers, ...grouped]);
}

/** Inline code that is one lower-case snake_case name, optionally with a label selector: a metric, column, queue... */
export function snakeCaseNames(inline: readonly string[]): string[] {
  return unique(inline.map((s) => /^([a-z_][a-z0-9_]*_[a-z0-9_]*)(?:\{[^}]*\})?$/.exec(s)?.[1]).filter((n) => n !== undefined));
}

/** `deployment/<name>` and `deployments/<name>`, as kubectl takes them. */
export function deploymentNames(text: string): string[] {
  return unique([...text.matchAll(/\bdeployments?\/([a-z0-9][a-z0-9-]*)/g)].map((m) => m[1]!));
}

/** What a Prometheus scrape exposes: sample names (histogram series included), label names and values. */
export function parseExposition(text: string) {
  const samples = new Set<string>();
  const families = new Map<string, string>();
  const labels = new Map<string, Set<string>>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)/.exec(line);
    if (type) {
      const [, name, kind] = type as unknown as [string, string, string];
      families.set(name, kind);
      const suffixes = kind === 'histogram' ? ['', '_bucket', '_sum', '_count'] : kind === 'summary' ? ['', '_sum', '_count'] : [''];
      for (const suffix of suffixes) samples.add(name + suffix);
      continue;
    }
    const sample = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s/.exec(line);
    if (!sample) continue;
    samples.add(sample[1]!);
    for (const [, label, value] of (sample[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      if (!labels.has(label!)) labels.set(label!, new Set());
      labels.get(label!)!.add(value!);
    }
  }
  return { samples, families, labels };
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}
