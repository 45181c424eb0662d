import { z } from 'zod';

// The shapes Meta documents for the `messages` webhook field. Objects are loose: Meta adds
// fields often, and a new field must never turn a delivery into a 400 that Meta retries for days.

/** Message types Faro tells apart; anything else Meta sends is read as 'unsupported'. */
export const MESSAGE_TYPES = [
  'text',
  'image',
  'document',
  'video',
  'audio',
  'sticker',
  'location',
  'contacts',
  'interactive',
  'button',
  'reaction',
  'order',
  'system',
  'request_welcome',
  'unsupported',
] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

const Media = z.looseObject({ caption: z.string().optional(), id: z.string().optional(), mime_type: z.string().optional() });

const Reply = z.looseObject({ id: z.string(), title: z.string().optional() });

/** Seconds since the epoch; Meta sends them as a string of digits. */
const Timestamp = z.union([z.string().regex(/^\d{1,12}$/, 'expected seconds since 1970 as digits'), z.number().int().nonnegative()]).transform(Number);

export const WebhookMessage = z.looseObject({
  /** The sender's WhatsApp id (phone number). */
  from: z.string().min(1).optional(),
  id: z.string().min(1),
  timestamp: Timestamp,
  type: z.enum(MESSAGE_TYPES).catch('unsupported'),
  /** Set when the message was posted in a group: Faro only talks one to one. */
  group_id: z.string().optional(),
  text: z.looseObject({ body: z.string() }).optional(),
  image: Media.optional(),
  document: Media.optional(),
  video: Media.optional(),
  audio: z.looseObject({ voice: z.boolean().optional() }).optional(),
  interactive: z
    .looseObject({
      type: z.string(),
      button_reply: Reply.optional(),
      list_reply: Reply.optional(),
    })
    .optional(),
  button: z.looseObject({ payload: z.string().optional(), text: z.string().optional() }).optional(),
});
export type WebhookMessage = z.infer<typeof WebhookMessage>;

export const WebhookValue = z.looseObject({
  messaging_product: z.string().optional(),
  metadata: z.looseObject({ phone_number_id: z.string(), display_phone_number: z.string().optional() }).optional(),
  contacts: z.array(z.looseObject({ wa_id: z.string().optional() })).optional(),
  messages: z.array(WebhookMessage).optional(),
  /** Delivery receipts for what Faro sent: accepted, never answered. */
  statuses: z.array(z.looseObject({})).optional(),
});
export type WebhookValue = z.infer<typeof WebhookValue>;

export const WebhookChange = z.looseObject({
  field: z.string().optional(),
  value: WebhookValue,
});

export const WebhookEntry = z.looseObject({
  id: z.string().optional(),
  changes: z.array(WebhookChange),
});

/** One webhook POST body from the WhatsApp Cloud API. */
export const WebhookPayload = z.looseObject({
  object: z.literal('whatsapp_business_account', { error: 'object must be "whatsapp_business_account"' }),
  entry: z.array(WebhookEntry),
});
export type WebhookPayload = z.infer<typeof WebhookPayload>;
