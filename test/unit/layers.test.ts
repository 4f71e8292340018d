import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

/**
 * graphmeet is a downward stack: cli -> main -> compose -> app -> {http, web} -> identity -> domain -> storage ->
 * {graph, i18n, config, tls} -> common. A module may import its own folder and any folder below its own, never one
 * above it or a sibling of the same rank. On top of that: no import cycles (so no file imports the index that
 * registers it), the domain knows no framework, driver, settings or language catalog, and the admin API's routes
 * reach storage only through the domain's use cases.
 */

const srcDir = path.resolve(import.meta.dirname, '../../src');

/** Rank of each top-level folder (or file) of src/; a higher rank is lower in the stack. */
const ranks: Record<string, number> = {
  cli: 0,
  'main.ts': 1,
  'compose.ts': 2,
  'app.ts': 3,
  http: 4,
  web: 4,
  identity: 5,
  domain: 6,
  storage: 7,
  graph: 8,
  i18n: 8,
  config: 8,
  tls: 8,
  common: 9,
};

/** Imports that a part of the stack must not make even though they point downward. */
const forbidden: { from: string; to: RegExp; why: string }[] = [
  {
    from: 'domain/',
    to: /^(fastify|@fastify\/|better-sqlite3|kysely|pg)$|^src\/(i18n|config)\//,
    why: 'the domain returns records: no framework, driver, settings or language catalog',
  },
  { from: 'http/admin/', to: /^src\/storage\//, why: 'the admin routes go through the administrator use cases' },
];

export type ImportGraph = Map<string, string[]>;

/** `src/…` paths for relative imports, package names for the rest. */
export function importsOf(file: string, text: string): string[] {
  const found: string[] = [];
  const pattern =
    /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^import\s+['"]([^'"]+)['"]/gm;
  for (const m of text.matchAll(pattern)) {
    const spec = (m[1] ?? m[2] ?? m[3]) as string;
    if (spec.startsWith('.')) {
      const resolved = path.relative(path.dirname(srcDir), path.resolve(path.dirname(file), spec));
      found.push(resolved.replace(/\.js$/, '.ts').split(path.sep).join('/'));
    } else {
      found.push(spec.startsWith('node:') ? spec : (spec.match(/^(@[^/]+\/[^/]+|[^/]+)/)?.[1] ?? spec));
    }
  }
  return found;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** The import graph of src/, keyed by `src/…` path. */
export function readImportGraph(): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const file of sourceFiles(srcDir)) {
    const key = path.relative(path.dirname(srcDir), file).split(path.sep).join('/');
    graph.set(key, importsOf(file, readFileSync(file, 'utf8')));
  }
  return graph;
}

const partOf = (file: string) => file.replace(/^src\//, '').split('/')[0] as string;

/** Every rule the graph breaks, one line each. */
export function layerViolations(graph: ImportGraph): string[] {
  const out: string[] = [];
  for (const [file, imports] of graph) {
    const part = partOf(file);
    const rank = ranks[part];
    if (rank === undefined) {
      out.push(`${file}: src/${part} has no place in the layer order`);
      continue;
    }
    for (const target of imports) {
      for (const rule of forbidden) {
        if (file.startsWith(`src/${rule.from}`) && rule.to.test(target)) out.push(`${file} -> ${target}: ${rule.why}`);
      }
      if (!target.startsWith('src/')) continue;
      const targetPart = partOf(target);
      const targetRank = ranks[targetPart];
      if (targetPart === part) {
        const folder = path.posix.dirname(file);
        if (target === `${folder}/index.ts` && graph.get(target)?.includes(file)) {
          out.push(`${file} -> ${target}: a file must not import the index that registers it`);
        }
      } else if (targetRank === undefined || targetRank < rank) {
        out.push(`${file} -> ${target}: ${part} must not import ${targetPart}, which is above it`);
      } else if (targetRank === rank) {
        out.push(`${file} -> ${target}: ${part} and ${targetPart} are siblings and must not import each other`);
      }
    }
  }
  return [...out, ...cycles(graph)];
}

/** Each import cycle among src/ files, written as the path around it. */
function cycles(graph: ImportGraph): string[] {
  const found: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (!graph.has(next)) continue;
      if (state.get(next) === 'open') found.push(`cycle: ${[...stack.slice(stack.indexOf(next)), next].join(' -> ')}`);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return found;
}

test('when the imports of src/ are read, then every one points down the layer order and none forms a cycle', () => {
  const graph = readImportGraph();
  assert.ok(graph.size > 50, `only ${graph.size} files found under ${srcDir}`);
  assert.ok(
    [...graph.values()].flat().includes('src/domain/online-meetings.ts'),
    'the import reader must resolve relative imports',
  );
  assert.deepEqual(layerViolations(graph), []);
});

test('when an import goes up, sideways, into the registering index, or round in a cycle, then each is reported', () => {
  const graph: ImportGraph = new Map([
    ['src/domain/a.ts', ['src/http/render/x.ts', 'fastify', 'src/i18n/negotiate.ts']],
    ['src/graph/b.ts', ['src/tls/certificate.ts']],
    ['src/http/admin/index.ts', ['src/http/admin/users.ts']],
    ['src/http/admin/users.ts', ['src/http/admin/index.ts', 'src/storage/store.ts']],
    ['src/storage/c.ts', ['src/storage/d.ts']],
    ['src/storage/d.ts', ['src/storage/c.ts']],
    ['src/views/page.ts', []],
  ]);
  const found = layerViolations(graph);
  const expected = [
    /src\/domain\/a\.ts -> src\/http\/render\/x\.ts: domain must not import http/,
    /src\/domain\/a\.ts -> fastify: the domain/,
    /src\/domain\/a\.ts -> src\/i18n\/negotiate\.ts: the domain/,
    /src\/graph\/b\.ts -> src\/tls\/certificate\.ts: graph and tls are siblings/,
    /src\/http\/admin\/users\.ts -> src\/http\/admin\/index\.ts: .*index that registers it/,
    /src\/http\/admin\/users\.ts -> src\/storage\/store\.ts: the admin routes/,
    /cycle: src\/storage\/c\.ts -> src\/storage\/d\.ts -> src\/storage\/c\.ts/,
    /src\/views\/page\.ts: src\/views has no place/,
  ];
  for (const line of expected)
    assert.ok(
      found.some((f) => line.test(f)),
      `${line} not among:\n${found.join('\n')}`,
    );
});

test('when a module is read, then static, re-exported, type-only and dynamic imports are all found', () => {
  const text = [
    "import { a } from './a.js';",
    "import type { B } from '../domain/b.js';",
    "export { c } from './c.js';",
    "const m = await import('../main.js');",
    "import fastify from 'fastify';",
    "import { x } from '@fastify/formbody';",
  ].join('\n');
  assert.deepEqual(importsOf(path.join(srcDir, 'cli/index.ts'), text), [
    'src/cli/a.ts',
    'src/domain/b.ts',
    'src/cli/c.ts',
    'src/main.ts',
    'fastify',
    '@fastify/formbody',
  ]);
});
