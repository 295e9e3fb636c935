/**
 * The `imbridge` executable: runs the CLI with this process's arguments, streams and
 * environment, reads `.env` from the working directory, turns Ctrl-C into a cancellation (exit
 * code 130), leaves quietly when its output pipe closes, and exits with the command's exit code.
 *
 * @module
 */
import process from 'node:process';
import { run } from './cli/run.ts';
import { nodeDevHost } from './dev/node-host.ts';
import { createEnvFileLoader } from './node/env-file.ts';

// Output piped into a program that stopped reading (`imbridge … | head -1`): nothing more to say.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

const controller = new AbortController();
let interrupted = false;
process.on('SIGINT', () => {
  // A second Ctrl-C leaves at once.
  if (interrupted) process.exit(130);
  interrupted = true;
  controller.abort();
});

const { exitCode } = await run(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  loadEnvFile: createEnvFileLoader(process.cwd()),
  signal: controller.signal,
  devHost: nodeDevHost,
});
process.exitCode = exitCode;
