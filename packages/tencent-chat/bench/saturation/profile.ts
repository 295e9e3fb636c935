/**
 * Reads a V8 `.cpuprofile` (what `node --cpu-prof` writes at exit) and prints where the bot
 * child spent its CPU: the top functions by self time, and self time by code area (our
 * packages, zod, ky, Node internals, GC).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { format, printTable } from './report.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

/** Areas whose functions get an inclusive-time row: the code the issue is about. */
const INCLUSIVE_AREAS = /^(@imbridge\/|ky$|zod$|eventsource-parser$)/;
/** Node functions that get an inclusive-time row too. */
const INCLUSIVE_NAMES = new Set(['fetch', 'structuredClone', 'Request', 'Response']);

/** The area a script URL belongs to. */
function areaOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return url.replace(/^node:internal\/([^/]+).*$/, 'node:$1');
  for (const name of ['core', 'tencent-chat', 'provider-utils']) {
    if (url.includes(`/packages/${name}/dist/`)) return `@imbridge/${name}`;
  }
  const module = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (module !== null) return module[1] ?? url;
  if (url.includes('imbridge-saturation-')) return 'bench child';
  return url;
}

function shortUrl(url: string): string {
  return url.replace(/^.*\/(packages|node_modules)\//, '').replace(/^file:\/\//, '');
}

/** Prints the top self-time functions and areas of the newest profile in `directory`. */
export function printProfile(directory: string, title: string, top = 20): void {
  const file = readdirSync(directory)
    .filter((name) => name.endsWith('.cpuprofile'))
    .sort()
    .at(-1);
  if (file === undefined) {
    console.log(`\n(no .cpuprofile was written in ${directory})`);
    return;
  }
  const profile = JSON.parse(readFileSync(join(directory, file), 'utf8')) as {
    nodes: ProfileNode[];
    samples: number[];
  };
  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  let busy = 0;
  let idle = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    const { functionName, url } = node.callFrame;
    if (functionName === '(idle)') {
      idle += hits;
      continue;
    }
    busy += hits;
    const name = nodeName(node);
    byFunction.set(name, (byFunction.get(name) ?? 0) + hits);
    const area = areaOf(url, functionName);
    byArea.set(area, (byArea.get(area) ?? 0) + hits);
  }
  const inclusive = inclusiveTimes(profile.nodes, profile.samples);
  // Shares are of busy samples; hitCount and samples count the same ticks.
  const share = (hits: number): string => `${format((hits / busy) * 100, 1)} %`;
  const sorted = (map: Map<string, number>, count: number) =>
    [...map].sort((left, right) => right[1] - left[1]).slice(0, count);
  printTable(
    `${title}: top ${top} functions by self time`,
    ['function (file:line)', 'self, % of busy samples'],
    sorted(byFunction, top).map(([name, hits]) => [name, share(hits)]),
    [
      `${format(busy)} busy samples, ${format(idle)} idle (${format((busy / (busy + idle)) * 100, 0)} % busy); profile ${file}.`,
    ],
  );
  printTable(
    `${title}: self time by area`,
    ['area', 'self, % of busy samples'],
    sorted(byArea, 15).map(([name, hits]) => [name, share(hits)]),
    [],
  );
  printTable(
    `${title}: top ${top} functions of imbridge, ky, zod (and fetch, structuredClone) by total time`,
    ['function (file:line)', 'total, % of busy samples'],
    sorted(inclusive, top).map(([name, hits]) => [name, share(hits)]),
    [
      'Total = samples with the function anywhere on the stack (each sample counted once per function). Work resumed after an await starts a new stack, so an async function is charged only up to its first await.',
    ],
  );
}

function nodeName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  return `${functionName || '(anonymous)'}${url === '' ? '' : ` ${shortUrl(url)}:${lineNumber + 1}`}`;
}

/** Samples per function (of the selected areas) with that function anywhere on the stack. */
function inclusiveTimes(nodes: readonly ProfileNode[], samples: readonly number[]) {
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const totals = new Map<string, number>();
  for (const sample of samples) {
    const onStack = new Set<string>();
    for (let id: number | undefined = sample; id !== undefined; id = parents.get(id)) {
      const node = byId.get(id);
      if (node === undefined || node.callFrame.functionName === '(idle)') break;
      const { functionName, url } = node.callFrame;
      if (INCLUSIVE_AREAS.test(areaOf(url, functionName)) || INCLUSIVE_NAMES.has(functionName)) {
        onStack.add(nodeName(node));
      }
    }
    for (const name of onStack) totals.set(name, (totals.get(name) ?? 0) + 1);
  }
  return totals;
}
