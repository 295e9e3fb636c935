import { z } from 'zod';
import { MAX_NUMERIC_ROOM_ID } from './room.ts';

/** Checks a {@link RoomId}: an integer 1–4294967294, or a string of 1–64 characters. */
export const roomIdSchema = z.union([
  z.int().min(1).max(MAX_NUMERIC_ROOM_ID),
  z
    .string()
    .min(1)
    .max(64)
    .refine((value) => value.trim() !== '', { message: 'must not be blank' }),
]);
