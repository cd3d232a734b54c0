/** Messages between the panel's webview and the extension host, validated on both ends. */
import { z } from 'zod';
import { CheckIn, Health } from './engine';

export const FromWebview = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }).strict(),
  z.object({ type: z.literal('refreshHealth') }).strict(),
  z.object({ type: z.literal('checkIn'), note: z.string().min(1).max(200) }).strict(),
]);
export type FromWebview = z.infer<typeof FromWebview>;

export const ToWebview = z.discriminatedUnion('type', [
  z.object({ type: z.literal('health'), health: Health }).strict(),
  z.object({ type: z.literal('checkIn'), result: CheckIn }).strict(),
  z.object({ type: z.literal('error'), message: z.string() }).strict(),
]);
export type ToWebview = z.infer<typeof ToWebview>;
