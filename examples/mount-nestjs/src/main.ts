// CommonJS: this file compiles to `require()` calls, and `require('@imbridge/core')` loads the
// packages' CJS build (dist/index.cjs). Nest needs reflect-metadata loaded before its decorators.
import 'reflect-metadata';
import { consoleLogger } from '@imbridge/core';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { createTencentBot } from './bot';

async function bootstrap(): Promise<void> {
  const logger = consoleLogger({ level: 'info' });
  const tencentBot = createTencentBot({ logger });
  // rawBody: true keeps the exact request bytes in req.rawBody next to the parsed JSON body:
  // the webhook reads them itself, the rest of the app keeps req.body.
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forBot(tencentBot), {
    rawBody: true,
    logger: ['error', 'warn'],
  });
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '0.0.0.0');
  console.log(`webhook listening: ${await app.getUrl()}/tencent-chat/webhook`);
  // `require` exists: this is CommonJS. Prints dist/index.cjs (or src/index.ts when started with
  // --conditions=@imbridge/source inside the imbridge repository).
  console.log(`@imbridge/core loaded from ${require.resolve('@imbridge/core')}`);
}

void bootstrap();
