import type { Router } from 'express';
import type { Logger } from 'pino';
import type { ConversationService, Send } from '../../conversation/service.js';
import type { Inbound } from '../../conversation/types.js';
import { errorForLog } from '../../log-safe.js';
import { TooLargeError } from '../../ocr/download.js';
import { readImage, unreadImage, type ImageReader } from '../../ocr/inbound.js';
import { userKey } from '../../store/index.js';
import { createGraphClient, type GraphClient, type RetryOptions } from './client.js';
import { inboundFields, toInbound } from './inbound.js';
import { renderWhatsApp } from './render.js';
import { createWebhookRouter } from './router.js';
import type { WebhookMessage, WebhookPayload } from './schema.js';

/** WhatsApp's customer-service window: free-form replies only this long after the person wrote. */
export const WINDOW_MS = 24 * 60 * 60 * 1000;

export interface WhatsAppDeps {
  service: ConversationService;
  userKeySecret: string;
  log: Logger;
  /** WHATSAPP_APP_SECRET: Meta signs every webhook POST with it. */
  appSecret: string;
  /** WHATSAPP_VERIFY_TOKEN: what Meta sends back when the webhook is subscribed. */
  verifyToken: string;
  /** WHATSAPP_TOKEN (Bearer). */
  token: string;
  /** WHATSAPP_PHONE_NUMBER_ID: Faro answers messages to this number only, from this number. */
  phoneNumberId: string;
  /** WHATSAPP_API_BASE, e.g. https://graph.facebook.com/v23.0 */
  apiBase: string;
  fetch?: typeof fetch;
  now?: () => number;
  /** True for an active partner code (deep link wa.me/<number>?text=<code>). */
  isPartnerCode: (text: string) => boolean;
  /** Told of each failed send after retries, for metrics. */
  onSendFailure?: () => void;
  /** Default 1 MiB. */
  maxBodyBytes?: number;
  /**
   * Meta gets its 200 once a delivery's messages are answered, or after this long, whichever is
   * first. Long enough to cover a merge window, a crash loses nothing; Meta's guidance for
   * webhook servers is a median under 250 ms and under 1% above a second. Default 10,000.
   */
  ackWithinMs?: number;
  /** Webhook deliveries handled at once; more get a 503 (Meta retries). Default 1000. */
  maxInFlight?: number;
  /** Backoff and timeouts for sending; tests make them short. */
  retry?: RetryOptions;
  /** Reads pictures (OCR); without it they get the "send the text" answer. */
  images?: { reader: ImageReader; maxBytes: number };
}

export interface WhatsAppChannel {
  /** Mount at /whatsapp/webhook, before any body parser. */
  router: Router;
  client: GraphClient;
  /** Resolves once every delivery accepted so far has been handled (for shutdown and tests). */
  drain(): Promise<void>;
}

/**
 * The WhatsApp Cloud API channel: a webhook router that verifies each delivery, hands its
 * messages to the conversation and acknowledges it once they are answered, and a Graph API
 * client that sends the rendered replies.
 *
 * @example
 * const whatsapp = createWhatsAppChannel({ service, userKeySecret, log, appSecret, verifyToken, token, phoneNumberId, apiBase, isPartnerCode });
 * createApp({ ..., channels: [{ path: '/whatsapp/webhook', router: whatsapp.router }] });
 */
export function createWhatsAppChannel(deps: WhatsAppDeps): WhatsAppChannel {
  const { log, service } = deps;
  const now = deps.now ?? Date.now;
  const client = createGraphClient({
    apiBase: deps.apiBase,
    phoneNumberId: deps.phoneNumberId,
    token: deps.token,
    log,
    now,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
    ...(deps.onSendFailure ? { onSendFailure: deps.onSendFailure } : {}),
    ...deps.retry,
  });
  const inFlight = new Set<Promise<unknown>>();
  /** Webhook deliveries being answered, for the 503 when there are too many. */
  let deliveries = 0;
  const track = (p: Promise<unknown>) => {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };

  /** Replies go to the sender, only inside the window opened by this message; the number stays in this closure. */
  function senderFor(to: string, notAfter: number): Send {
    return async (replies) => {
      for (const reply of replies) {
        for (const message of renderWhatsApp(reply)) {
          if ((await client.send(to, message, { notAfter })) === 'window_closed') return;
        }
      }
    };
  }

  async function handleMessage(from: string, message: WebhookMessage): Promise<void> {
    const fields = inboundFields(message, (text) => {
      try {
        return deps.isPartnerCode(text);
      } catch (e) {
        log.warn({ err: errorForLog(e), channel: 'whatsapp' }, 'partner code lookup failed');
        return false;
      }
    });
    if (!fields) return;
    const notAfter = message.timestamp * 1000 + WINDOW_MS;
    if (now() <= notAfter) track(client.markRead(message.id));
    const picture = deps.images ? pictureOf(message) : undefined;
    const read = picture ? await readPicture(from, picture) : {};
    await service.receive({ ...toInbound(deps.userKeySecret, from, message, fields), ...read }, senderFor(from, notAfter));
  }

  /** Downloads and reads a picture; its text joins the caption. */
  async function readPicture(from: string, picture: { id: string; caption?: string }): Promise<Pick<Inbound, 'text' | 'image'>> {
    const images = deps.images!;
    let bytes: Buffer;
    try {
      bytes = await client.media(picture.id, images.maxBytes);
    } catch (e) {
      if (e instanceof TooLargeError) return unreadImage('too_large', picture.caption);
      log.warn({ err: errorForLog(e), channel: 'whatsapp' }, 'could not download a picture');
      return unreadImage('failed', picture.caption);
    }
    return readImage(images.reader, bytes, { userKey: userKey(deps.userKeySecret, 'whatsapp', from), ...(picture.caption ? { caption: picture.caption } : {}) });
  }

  async function handlePayload(payload: WebhookPayload): Promise<void> {
    // One person's messages in order, different people side by side.
    const bySender = new Map<string, WebhookMessage[]>();
    for (const entry of payload.entry) {
      for (const change of entry.changes) {
        if (change.field !== undefined && change.field !== 'messages') continue;
        const value = change.value;
        if (value.metadata && value.metadata.phone_number_id !== deps.phoneNumberId) {
          log.debug({ channel: 'whatsapp' }, 'message for another phone number of the account ignored');
          continue;
        }
        for (const message of value.messages ?? []) {
          // Faro talks one to one: what people paste must not be answered in front of a group.
          if (message.group_id) continue;
          if (!message.from) {
            log.warn({ channel: 'whatsapp', type: message.type }, 'message without a sender id ignored');
            continue;
          }
          const list = bySender.get(message.from) ?? [];
          list.push(message);
          bySender.set(message.from, list);
        }
      }
    }
    await Promise.all(
      [...bySender].map(async ([from, messages]) => {
        for (const message of messages) {
          await handleMessage(from, message).catch((err: unknown) =>
            log.error({ err: errorForLog(err), channel: 'whatsapp', type: message.type }, 'whatsapp message failed'),
          );
        }
      }),
    );
  }

  const router = createWebhookRouter({
    appSecret: deps.appSecret,
    verifyToken: deps.verifyToken,
    log,
    maxBodyBytes: deps.maxBodyBytes ?? 1024 * 1024,
    accept: async (payload) => {
      deliveries++;
      const handled = handlePayload(payload);
      track(handled);
      await handled.finally(() => deliveries--);
    },
    hasRoom: () => deliveries < (deps.maxInFlight ?? 1000),
    ackWithinMs: deps.ackWithinMs ?? 10_000,
  });

  return {
    router,
    client,
    async drain() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}

/** An image message, or an image sent as a document, with the id to download it by. */
function pictureOf(message: WebhookMessage): { id: string; caption?: string } | undefined {
  const media = message.type === 'image' ? message.image : message.type === 'document' && message.document?.mime_type?.startsWith('image/') ? message.document : undefined;
  if (!media?.id) return undefined;
  return { id: media.id, ...(media.caption?.trim() ? { caption: media.caption } : {}) };
}

export { createGraphClient, GraphApiError, type GraphClient, type RetryOptions, type SendOutcome } from './client.js';
export { inboundFields, toInbound } from './inbound.js';
export { LIMITS, OPTIONS_LABEL, PLACEHOLDER_BODY, neutralise, renderWhatsApp, type GraphMessage } from './render.js';
export { WebhookPayload } from './schema.js';
export { signBody, validSignature } from './signature.js';
