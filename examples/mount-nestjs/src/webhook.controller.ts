import { toNodeListener } from '@imbridge/core';
import { Controller, Inject, Post, type RawBodyRequest, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { TencentBot } from './bot';
import { TENCENT_BOT } from './tokens';

/**
 * `POST /tencent-chat/webhook`: hands Nest's Express request and response to the bot through
 * `toNodeListener`.
 *
 * Nest parses JSON bodies before any controller runs. Started with
 * `NestFactory.create(AppModule, { rawBody: true })`, it also keeps the exact bytes in
 * `req.rawBody`, which `toNodeListener` uses (the adapter reads the body itself).
 * Without `rawBody: true` the listener answers 500 and logs `webhook-failed` saying so.
 * `@Res()` hands the response to the listener: Nest does not send one itself.
 */
@Controller('tencent-chat')
export class WebhookController {
  private readonly listener: ReturnType<typeof toNodeListener>;

  // `@Inject(token)` rather than a type: the code also runs where no decorator metadata is
  // emitted (tsx, esbuild, vitest).
  constructor(@Inject(TENCENT_BOT) tencentBot: TencentBot) {
    this.listener = toNodeListener(tencentBot.webhook, { logger: tencentBot.logger });
  }

  @Post('webhook')
  handle(@Req() request: RawBodyRequest<Request>, @Res() response: Response): Promise<void> {
    return this.listener(request, response);
  }
}
