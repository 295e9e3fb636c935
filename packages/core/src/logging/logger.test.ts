import { PassThrough } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import winston from 'winston';
import type { LogEntry } from './log-entry.ts';
import { consoleLogger, createLogEmitter, type Logger } from './logger.ts';

const rejected: LogEntry = {
  event: 'webhook-rejected',
  platform: 'tencent-chat',
  statusCode: 401,
  reason: 'signature-mismatch',
  error: { name: 'SignatureVerificationError', message: 'The webhook signature does not match' },
};

/** Collects what a stream receives, one JSON document per line. */
function jsonLines(stream: PassThrough): Array<Record<string, unknown>> {
  const lines: Array<Record<string, unknown>> = [];
  let pending = '';
  stream.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    let newline = pending.indexOf('\n');
    while (newline >= 0) {
      lines.push(JSON.parse(pending.slice(0, newline)) as Record<string, unknown>);
      pending = pending.slice(newline + 1);
      newline = pending.indexOf('\n');
    }
  });
  return lines;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('createLogEmitter', () => {
  it('writes warnings and errors to the console by default, one line each, and nothing below', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const info = vi.spyOn(console, 'info').mockImplementation(() => undefined);
    const debug = vi.spyOn(console, 'debug').mockImplementation(() => undefined);
    const log = createLogEmitter(undefined);
    log('warn', rejected);
    log('info', { event: 'queued', platform: 'p', conversationId: 'c', messageId: 'm' });
    log('debug', { event: 'received', platform: 'p', conversationId: 'c', messageId: 'm' });
    expect(info).not.toHaveBeenCalled();
    expect(debug).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledTimes(1);
    const [line] = warn.mock.calls[0] ?? [];
    expect(line).toBe(
      `[imbridge] webhook rejected (signature-mismatch): The webhook signature does not match ${JSON.stringify(rejected)}`,
    );
  });

  it('is silent with logger: false', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const log = createLogEmitter(false);
    log('warn', rejected);
    log('error', { event: 'subscribe-failed', error: { message: 'down' } });
    expect(warn).not.toHaveBeenCalled();
    expect(error).not.toHaveBeenCalled();
  });

  it('takes console as it is (every level, message then entry)', () => {
    const info = vi.spyOn(console, 'info').mockImplementation(() => undefined);
    const log = createLogEmitter(console);
    const entry: LogEntry = { event: 'queued', platform: 'p', conversationId: 'c', messageId: 'm' };
    log('info', entry);
    expect(info).toHaveBeenCalledWith('message queued', entry);
  });

  it('takes a pino logger as it is: fields first, message as msg', () => {
    const stream = new PassThrough();
    const lines = jsonLines(stream);
    const logger = pino({ level: 'debug' }, stream);
    createLogEmitter(logger)('warn', rejected);
    createLogEmitter(logger.child({ app: 'bot' }))('info', {
      event: 'reply-started',
      platform: 'p',
      conversationId: 'c',
      messageId: 'm',
    });
    expect(lines[0]).toMatchObject({
      level: 40,
      msg: 'webhook rejected (signature-mismatch): The webhook signature does not match',
      event: 'webhook-rejected',
      platform: 'tencent-chat',
      statusCode: 401,
      reason: 'signature-mismatch',
    });
    expect(lines[1]).toMatchObject({
      level: 30,
      app: 'bot',
      event: 'reply-started',
      msg: 'reply started',
    });
  });

  it('takes a winston logger as it is: message, then the fields as metadata', () => {
    const stream = new PassThrough();
    const lines = jsonLines(stream);
    const logger = winston.createLogger({
      level: 'debug',
      format: winston.format.json(),
      transports: [new winston.transports.Stream({ stream })],
    });
    createLogEmitter(logger)('error', {
      event: 'error-message-failed',
      platform: 'p',
      conversationId: 'c',
      error: { message: 'gone' },
    });
    expect(lines[0]).toMatchObject({
      level: 'error',
      message: 'the error message could not be sent: gone',
      event: 'error-message-failed',
      conversationId: 'c',
    });
  });

  it('never throws when the logger does', () => {
    const broken: Logger = {
      debug() {
        throw new Error('broken');
      },
      info() {
        throw new Error('broken');
      },
      warn() {
        throw new Error('broken');
      },
      error() {
        throw new Error('broken');
      },
    };
    expect(() => createLogEmitter(broken)('error', rejected)).not.toThrow();
  });
});

describe('consoleLogger', () => {
  it('writes from the level asked for', () => {
    const info = vi.spyOn(console, 'info').mockImplementation(() => undefined);
    const debug = vi.spyOn(console, 'debug').mockImplementation(() => undefined);
    const log = createLogEmitter(consoleLogger({ level: 'info' }));
    log('info', { event: 'queued', platform: 'p', conversationId: 'c', messageId: 'm' });
    log('debug', { event: 'received', platform: 'p', conversationId: 'c', messageId: 'm' });
    expect(info).toHaveBeenCalledTimes(1);
    expect(debug).not.toHaveBeenCalled();
  });
});
