/**
 * Reading `.env` files on Node, for the bin (and tests): the file is parsed with Node's own
 * `util.parseEnv` (the dotenv syntax of `node --env-file`) and never loaded into
 * `process.env`, so flags, the environment and the file keep their order of precedence.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import type { EnvFileLoader } from '../cli/context.ts';

/**
 * A loader of `.env` files relative to `directory`: the variables of the file, or `undefined`
 * when it does not exist.
 *
 * @throws {Error} when the file exists but cannot be read.
 */
export function createEnvFileLoader(directory: string): EnvFileLoader {
  return async (path) => {
    let text: string;
    try {
      text = await readFile(resolve(directory, path), 'utf8');
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ENOENT') return undefined;
      throw error;
    }
    return parseEnv(text);
  };
}
