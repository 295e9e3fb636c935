/**
 * What `imbridge dev` needs from the platform and nothing else does: a listening HTTP server on
 * loopback and a way to open a browser. The playground itself is Web-standard code (a
 * `Request → Response` handler); the bin passes the Node implementation (`node-host.ts`), so the
 * package's `.` entry never imports a `node:` module.
 *
 * @module
 */

/** A Web-standard request handler, as the playground serves it. */
export type DevRequestHandler = (request: Request) => Promise<Response>;

/** A server listening on 127.0.0.1. */
export interface DevListener {
  /** `http://127.0.0.1:PORT`, without a trailing slash. */
  readonly url: string;
  /** Stops listening and drops open connections (event streams included). Idempotent. */
  close(): Promise<void>;
}

/** Options of {@link DevHost.listen}. */
export interface DevListenOptions {
  /** The port on 127.0.0.1; 0 takes a free one. */
  port: number;
}

/**
 * The platform parts of `imbridge dev`. The `imbridge` bin passes a Node implementation to
 * `run()` (`devHost`); without one, `imbridge dev` says it needs the bin.
 */
export interface DevHost {
  /**
   * Serves `handler` on 127.0.0.1.
   * @throws {Error} with `code: 'EADDRINUSE'` when the port is taken.
   */
  listen(handler: DevRequestHandler, options: DevListenOptions): Promise<DevListener>;
  /** Opens `url` in the default browser; resolves once the opener was started. */
  openBrowser(url: string): Promise<void>;
}
