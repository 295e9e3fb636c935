/**
 * The AI SDK stays an optional peer: the `ai-sdk` entry loads none of it at runtime, and the main
 * entry does not load the `ai-sdk` entry. Checked on the sources' import graph (value imports
 * only; `import type` is erased).
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SOURCE = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const IMPORT = /^(?:import|export)\s+(type\s+)?(?:[^;]*?\s+from\s+)?'([^']+)'/gms;

/** Every module reached from `entry` through value imports: local files and bare packages. */
function importGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const pending = [join(SOURCE, entry)];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (files.has(file)) continue;
    files.add(file);
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const [, typeOnly, specifier = ''] = match;
      if (typeOnly !== undefined) continue;
      if (specifier.startsWith('.')) pending.push(resolve(dirname(file), specifier));
      else packages.add(specifier);
    }
  }
  return { files, packages };
}

const isAiSdk = (specifier: string) => specifier === 'ai' || specifier.startsWith('@ai-sdk/');

describe('the AI SDK as an optional peer', () => {
  it('the ai-sdk entry imports no AI SDK package at runtime', () => {
    const { files, packages } = importGraph('ai-sdk/index.ts');
    expect(files.size).toBeGreaterThan(3);
    expect([...packages].filter(isAiSdk)).toEqual([]);
    expect([...packages].filter((name) => !name.startsWith('@imbridge/'))).toEqual([]);
  });

  it('the main entry neither imports an AI SDK package nor the ai-sdk entry', () => {
    const { files, packages } = importGraph('index.ts');
    expect([...packages].filter(isAiSdk)).toEqual([]);
    expect([...files].filter((file) => file.includes(`${join('src', 'ai-sdk')}`))).toEqual([]);
  });
});
