import { pathToFileURL } from 'node:url';
import { createTencentChatClient } from '@imbridge/tencent-chat';
import { readConfig } from './config.ts';

/**
 * Creates the robot account and makes it a friend of each user (users cannot add robots
 * themselves), importing the users first. Safe to run again.
 */
export async function setupRobot(options: {
  config: ReturnType<typeof readConfig>;
  userIds: string[];
  nick?: string;
}): Promise<void> {
  const client = createTencentChatClient(options.config.adapter);
  await client.createRobot({
    robotId: options.config.robotId,
    nick: options.nick ?? 'AI assistant',
  });
  for (const userId of options.userIds) {
    await client.importAccount({ userId });
    const result = await client.addFriends({
      userId,
      friends: [{ userId: options.config.robotId }],
    });
    if (result.failedUserIds.length > 0) {
      console.warn(`could not befriend ${userId}: ${JSON.stringify(result.results)}`);
    }
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const userIds = process.argv.slice(2);
  if (userIds.length === 0) {
    console.error('usage: pnpm setup-robot <userId> [userId...]');
    process.exit(2);
  }
  await setupRobot({ config: readConfig(), userIds });
  console.log(`robot ready; befriended ${userIds.join(', ')}`);
}
