import { decodeAction, type Action, type Inbound, type MediaKind } from '../../conversation/types.js';
import { userKey } from '../../store/index.js';
import type { WebhookMessage } from './schema.js';

/** What one WhatsApp message asks of the conversation, before the person's key is added. */
export type InboundFields = Pick<Inbound, 'text' | 'media' | 'action'>;

/** Deep-link codes look like Telegram's /start payloads; anything else is never looked up. */
const CODE_SHAPE = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Maps one webhook message to what the person did, or undefined when it needs no answer
 * (a reaction, a system notice such as a number change).
 *
 * @example
 * inboundFields({ id: 'wamid.1', timestamp: 1, type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: 'privacy' } } }, () => false)
 * // { action: { kind: 'privacy' } }
 */
export function inboundFields(message: WebhookMessage, isPartnerCode: (text: string) => boolean): InboundFields | undefined {
  switch (message.type) {
    case 'text': {
      const text = message.text?.body ?? '';
      const code = text.trim();
      // wa.me/<number>?text=<code>: the partner's code arrives as the whole first message.
      if (CODE_SHAPE.test(code) && isPartnerCode(code)) return { action: { kind: 'start', payload: code } };
      return { text };
    }
    case 'interactive': {
      const id = message.interactive?.button_reply?.id ?? message.interactive?.list_reply?.id;
      // Other interactive answers (forms, flows) are not something Faro sends.
      return id === undefined ? { media: 'other' } : { action: actionFor(id) };
    }
    case 'button':
      return { action: actionFor(message.button?.payload ?? '') };
    case 'image':
      return withCaption(message.image?.caption, 'photo');
    case 'document':
      return withCaption(message.document?.caption, 'document');
    case 'video':
      return withCaption(message.video?.caption, 'video');
    case 'audio':
      return { media: message.audio?.voice ? 'voice' : 'audio' };
    case 'sticker':
      return { media: 'sticker' };
    case 'location':
      return { media: 'location' };
    case 'contacts':
      return { media: 'contact' };
    case 'request_welcome':
      // The person opened the chat for the first time: the welcome and the menu.
      return { action: { kind: 'start' } };
    case 'reaction':
    case 'system':
      return undefined;
    case 'order':
    case 'unsupported':
      return { media: 'other' };
  }
}

/** An old or forged button id opens the menu rather than failing. */
function actionFor(id: string): Action {
  return decodeAction(id) ?? { kind: 'menu' };
}

function withCaption(caption: string | undefined, media: MediaKind): InboundFields {
  return caption?.trim() ? { text: caption, media } : { media };
}

/**
 * The Inbound for one message. The phone number becomes an HMAC key here, and so does the
 * message id: a wamid is base64 of, among others, the sender's phone number, so it is never stored as is.
 */
export function toInbound(secret: string, from: string, message: WebhookMessage, fields: InboundFields): Inbound {
  return {
    channel: 'whatsapp',
    userKey: userKey(secret, 'whatsapp', from),
    updateId: userKey(secret, 'whatsapp-message', message.id),
    ...fields,
  };
}
