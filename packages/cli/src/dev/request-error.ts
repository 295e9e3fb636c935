/**
 * A request of the page the playground cannot serve, with the HTTP status to answer and a
 * message for the page to show.
 *
 * @module
 */

/** A refused playground request: its message is shown in the page. */
export class PlaygroundRequestError extends Error {
  override readonly name = 'PlaygroundRequestError';
  /** The HTTP status answered. */
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}
