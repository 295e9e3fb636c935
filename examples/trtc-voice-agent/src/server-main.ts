import { consoleLogger } from '@imbridge/core';
import { ConfigError, type ExampleConfig, readConfig } from './config.ts';
import { describeModel } from './model.ts';
import { startAgentServer } from './server.ts';

// `pnpm start`: the agent server on PORT, configured from the environment (see .env.example).
let config: ExampleConfig;
try {
  config = readConfig();
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(2);
}
const running = await startAgentServer({
  config,
  host: process.env.HOST ?? '0.0.0.0',
  // Refused requests, failed calls and model errors; pass pino or winston here as they are.
  logger: consoleLogger({ level: 'info' }),
});
console.log(
  `TRTC voice agent server on ${running.url} (TRTC app ${config.trtc.sdkAppId}, API ${running.trtc.baseUrl}, region ${config.trtc.region})`,
);
console.log(`  model: ${describeModel(config.model)}`);
console.log(`  TRTC calls the agent at ${running.apiUrl}`);
console.log(`  admin API: ${running.url}/agents (Authorization: Bearer $ADMIN_TOKEN)`);
const stop = () => void running.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
