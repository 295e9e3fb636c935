import { checkInput, parseResponse } from './check.ts';
import type { RongCloudTransport } from './transport.ts';
import type { RongCloudClient } from './types.ts';
import { callOptions, loadMessageSchemas } from './wire.ts';

/** `POST /user/getToken.json` (a form body). */
export const REGISTER_USER_PATH = 'user/getToken.json';

/** The user APIs of the client. */
export type UserMethods = Pick<RongCloudClient, 'registerUser'>;

/** Builds the user methods on a transport. */
export function userMethods(transport: RongCloudTransport): UserMethods {
  return {
    async registerUser(input) {
      const schemas = await loadMessageSchemas();
      const checked = checkInput(schemas.registerUserSchema, input, 'registerUser');
      const body = await transport.call(
        REGISTER_USER_PATH,
        { userId: checked.userId, name: checked.name, portraitUri: checked.portraitUri },
        callOptions(input),
      );
      const parsed = parseResponse(schemas.tokenAnswerSchema, body, 'registerUser');
      return { userId: parsed.userId ?? checked.userId, token: parsed.token };
    },
  };
}
