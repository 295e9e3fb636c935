/**
 * The user API of the local RongCloud: `/user/getToken.json` registers (or updates) a user and
 * returns a token.
 *
 * @module
 */
import { type ApiHandlers, oneToken } from './api-common.ts';
import { type LocalRongCloudState, newUserToken, registerUser } from './store.ts';
import { formText, optionalFormText } from './wire.ts';

/**
 * Handler of `/user/getToken.json` (form): `userId` (1–64 bytes), `name` (1–128 bytes) and
 * optional `portraitUri` (≤ 1024 bytes); answers `{ code: 200, userId, token }`. Registering an
 * existing user updates its profile and returns a new token.
 *
 * @see https://docs.rongcloud.cn/platform-chat-api/user/register
 */
export function userHandlers(state: LocalRongCloudState): ApiHandlers {
  return [
    [
      '/user/getToken.json',
      {
        format: 'form',
        prepare: (form) => {
          const userId = formText(form, 'userId', { max: 64, unit: 'bytes' });
          const name = formText(form, 'name', { max: 128, unit: 'bytes' });
          const portraitUri = optionalFormText(form, 'portraitUri', {
            max: 1024,
            unit: 'bytes',
            min: 0,
          });
          return oneToken(() => {
            registerUser(state, userId, { name, portraitUri });
            return { userId, token: newUserToken() };
          });
        },
      },
    ],
  ];
}
