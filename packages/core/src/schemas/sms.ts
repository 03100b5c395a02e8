import { z } from 'zod';

/** `GET /api/admin/sms-outbox`: messages to one number, newest first. */
export const smsOutboxQuerySchema = z.object({
  to: z
    .string()
    .regex(/^0\d{9}$/)
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** A message sent through the SMS adapter. */
export const smsMessageSchema = z.object({
  to: z.string(),
  text: z.string(),
  createdAt: z.string(),
  kind: z.string(),
  status: z.string(),
});
export type SmsMessage = z.infer<typeof smsMessageSchema>;
