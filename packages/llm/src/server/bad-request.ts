/** The 4xx refusal of the OpenAI-compatible endpoint. */

/** Options of {@link BadRequest}. */
export interface BadRequestOptions {
  /** HTTP status of the answer. @default 400 */
  status?: number | undefined;
  /** OpenAI error code, if any. */
  errorCode?: string | undefined;
  /** Why, for the log (`webhook-rejected`'s `reason`). @default 'invalid-request' */
  reason?: string | undefined;
  /** The request field at fault (OpenAI's error `param`), e.g. `tools[0].function.name`. */
  param?: string | undefined;
}

/** A request the handler rejects with a 4xx: the message is safe to show to the client. */
export class BadRequest extends Error {
  /** HTTP status of the answer. */
  readonly status: number;
  /** OpenAI error code, if any. */
  readonly errorCode: string | undefined;
  /** Why, for the log. */
  readonly reason: string;
  /** The request field at fault, if any. */
  readonly param: string | undefined;

  constructor(message: string, options: BadRequestOptions = {}) {
    super(message);
    this.status = options.status ?? 400;
    this.errorCode = options.errorCode;
    this.reason = options.reason ?? 'invalid-request';
    this.param = options.param;
  }
}
