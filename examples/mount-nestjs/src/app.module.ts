import {
  type DynamicModule,
  Inject,
  Injectable,
  Module,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { TencentBot } from './bot';
import { TENCENT_BOT } from './tokens';
import { WebhookController } from './webhook.controller';

/** Closes the bot when Nest shuts down (`app.enableShutdownHooks()` or `app.close()`). */
@Injectable()
class BotShutdown implements OnApplicationShutdown {
  private readonly tencentBot: TencentBot;

  constructor(@Inject(TENCENT_BOT) tencentBot: TencentBot) {
    this.tencentBot = tencentBot;
  }

  async onApplicationShutdown(): Promise<void> {
    // Replies in flight are finished with a short notice; queued messages stay in state.
    await this.tencentBot.bot.close({ timeoutMs: 8_000 });
  }
}

/** The app: the bot as a provider, and the controller that serves its webhook. */
@Module({})
export class AppModule {
  /** @param tencentBot the bot to serve; see `createTencentBot` in `./bot`. */
  static forBot(tencentBot: TencentBot): DynamicModule {
    return {
      module: AppModule,
      controllers: [WebhookController],
      providers: [{ provide: TENCENT_BOT, useValue: tencentBot }, BotShutdown],
    };
  }
}
