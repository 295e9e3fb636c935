import { utf8ByteLength } from '@imbridge/core';
import { z } from 'zod';
import type { RongCloudTransport } from './transport.ts';
import type { RongCloudClient } from './types.ts';
import { callOptions, checkInput, parseResponse } from './wire.ts';

/** `POST /user/getToken.json` (a form body). */
export const REGISTER_USER_PATH = 'user/getToken.json';

function withinBytes(max: number) {
  return z
    .string()
    .min(1)
    .refine((value) => utf8ByteLength(value) <= max, `must be at most ${max} bytes of UTF-8`);
}

const registerUserSchema = z.object({
  userId: withinBytes(64),
  name: withinBytes(128),
  portraitUri: z.string().max(1024).optional(),
});

const tokenAnswerSchema = z.looseObject({ token: z.string(), userId: z.string().nullish() });

/** The user APIs of the client. */
export type UserMethods = Pick<RongCloudClient, 'registerUser'>;

/** Builds the user methods on a transport. */
export function userMethods(transport: RongCloudTransport): UserMethods {
  return {
    async registerUser(input) {
      const checked = checkInput(registerUserSchema, input, 'registerUser');
      const body = await transport.call(
        REGISTER_USER_PATH,
        { userId: checked.userId, name: checked.name, portraitUri: checked.portraitUri },
        callOptions(input),
      );
      const parsed = parseResponse(tokenAnswerSchema, body, 'registerUser');
      return { userId: parsed.userId ?? checked.userId, token: parsed.token };
    },
  };
}
