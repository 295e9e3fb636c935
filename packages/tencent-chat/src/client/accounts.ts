import { ValidationError } from '@imbridge/core';
import type { TencentChatTransport } from './transport.ts';
import type { TencentChatClient } from './types.ts';
import { callOptions, loadResponseSchemas, requireRobotId } from './wire.ts';

/** The account, robot and friend APIs of the client. */
export type AccountMethods = Pick<
  TencentChatClient,
  | 'createRobot'
  | 'deleteRobot'
  | 'listRobots'
  | 'sendRobotStreamMessage'
  | 'importAccount'
  | 'addFriends'
>;

/** Builds the account, robot and friend methods on a transport. */
export function accountMethods(transport: TencentChatTransport): AccountMethods {
  return {
    async createRobot(input) {
      requireRobotId(input.robotId);
      await transport.call(
        'openim_robot_http_svc',
        'create_robot',
        {
          UserID: input.robotId,
          Nick: input.nick,
          FaceUrl: input.faceUrl,
          SelfSignature: input.selfSignature,
        },
        callOptions(input),
      );
    },

    async deleteRobot(input) {
      await transport.call(
        'openim_robot_http_svc',
        'delete_robot',
        { Robot_Account: input.robotId },
        callOptions(input),
      );
    },

    async listRobots(input = {}) {
      const schemas = loadResponseSchemas();
      const body = await transport.call(
        'openim_robot_http_svc',
        'get_all_robots',
        {},
        callOptions(input),
      );
      const { parseResponse, robotListSchema } = await schemas;
      return {
        robotIds: parseResponse(robotListSchema, body, 'get_all_robots').Robot_Account ?? [],
      };
    },

    async sendRobotStreamMessage(input) {
      requireRobotId(input.robotId);
      const schemas = loadResponseSchemas();
      const body = await transport.call(
        'openim_robot_http_svc',
        'send_stream_msg',
        {
          From_Account: input.robotId,
          To_Account: input.toUserId,
          Chunk: input.chunk,
          MsgKey: input.msgKey,
          Finish: input.finish === true ? 1 : undefined,
        },
        callOptions(input),
      );
      const { parseResponse, robotStreamSchema } = await schemas;
      const parsed = parseResponse(robotStreamSchema, body, 'send_stream_msg');
      return { msgKey: parsed.MsgKey ?? input.msgKey ?? '' };
    },

    async importAccount(input) {
      await transport.call(
        'im_open_login_svc',
        'account_import',
        { UserID: input.userId, Nick: input.nick, FaceUrl: input.faceUrl },
        callOptions(input),
      );
    },

    async addFriends(input) {
      if (input.friends.length === 0) throw new ValidationError({ message: 'friends is empty' });
      const schemas = loadResponseSchemas();
      const body = await transport.call(
        'sns',
        'friend_add',
        {
          From_Account: input.userId,
          AddFriendItem: input.friends.map((friend) => {
            const source = friend.addSource ?? 'imbridge';
            return {
              To_Account: friend.userId,
              AddSource: source.startsWith('AddSource_Type_') ? source : `AddSource_Type_${source}`,
              Remark: friend.remark,
              GroupName: friend.groupName,
              AddWording: friend.addWording,
            };
          }),
          AddType: input.addType === 'single' ? 'Add_Type_Single' : 'Add_Type_Both',
          ForceAddFlags: input.force === false ? 0 : 1,
        },
        callOptions(input),
      );
      const { parseResponse, friendAddSchema } = await schemas;
      const parsed = parseResponse(friendAddSchema, body, 'friend_add');
      return {
        results: (parsed.ResultItem ?? []).map((item) => ({
          userId: item.To_Account,
          resultCode: item.ResultCode ?? 0,
          resultInfo: item.ResultInfo ?? '',
        })),
        failedUserIds: parsed.Fail_Account ?? [],
      };
    },
  };
}
