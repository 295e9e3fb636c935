/**
 * A spinner on stderr while something waits (a vendor call, a webhook), on an interactive
 * terminal only: never with `--json`, never when stdout or stderr is piped.
 *
 * @module
 */
import { createSpinner } from 'nanospinner';
import type { Output } from './output.ts';

/** Runs `task` under a spinner labelled `label` (or plainly when the output is not interactive). */
export async function withSpinner<T>(
  output: Output,
  label: string,
  task: () => Promise<T>,
): Promise<T> {
  if (!output.interactive) return task();
  // nanospinner only uses write() and columns of the stream it is given.
  const spinner = createSpinner(label, { stream: output.stderr as NodeJS.WriteStream }).start();
  try {
    return await task();
  } finally {
    // Without arguments, stop() clears the spinner's line and shows the cursor again.
    spinner.stop();
  }
}
