import { describe, expect, it } from 'vitest';
import { inboundFields, toInbound } from '../../src/channels/whatsapp/inbound.js';
import { WebhookMessage, WebhookPayload } from '../../src/channels/whatsapp/schema.js';
import { userKey } from '../../src/store/index.js';

const parse = (m: Record<string, unknown>) => WebhookMessage.parse({ from: '5215512345678', id: 'wamid.X', timestamp: '1749416383', ...m });
const fields = (m: Record<string, unknown>, isPartnerCode = (_: string) => false) => inboundFields(parse(m), isPartnerCode);

describe('WhatsApp messages as Inbound', () => {
  it('maps every kind of message Meta documents to what the conversation understands', () => {
    expect(fields({ type: 'text', text: { body: 'hola' } })).toEqual({ text: 'hola' });
    expect(fields({ type: 'document', document: { id: 'd', caption: 'Visa garantizada en 3 días' } })).toEqual({ text: 'Visa garantizada en 3 días', media: 'document' });
    expect(fields({ type: 'video', video: { id: 'v', caption: '   ' } })).toEqual({ media: 'video' });
    expect(fields({ type: 'audio', audio: { id: 'a', voice: true } })).toEqual({ media: 'voice' });
    expect(fields({ type: 'audio', audio: { id: 'a' } })).toEqual({ media: 'audio' });
    expect(fields({ type: 'location', location: { latitude: 1, longitude: 2 } })).toEqual({ media: 'location' });
    expect(fields({ type: 'contacts', contacts: [{ name: { formatted_name: 'Memo' } }] })).toEqual({ media: 'contact' });
    expect(fields({ type: 'order', order: {} })).toEqual({ media: 'other' });
    expect(fields({ type: 'interactive', interactive: { type: 'nfm_reply', nfm_reply: {} } })).toEqual({ media: 'other' });
    expect(fields({ type: 'interactive', interactive: { type: 'list_reply', list_reply: { id: 'c:MX', title: 'México' } } })).toEqual({ action: { kind: 'country', country: 'MX' } });
    expect(fields({ type: 'request_welcome' })).toEqual({ action: { kind: 'start' } });
  });

  it('reactions and system notices get no answer at all', () => {
    expect(fields({ type: 'reaction', reaction: { message_id: 'wamid.Y', emoji: '👍' } })).toBeUndefined();
    expect(fields({ type: 'system', system: { type: 'user_changed_number' } })).toBeUndefined();
  });

  it('reads a type Meta adds later as unsupported, and keeps fields it does not know', () => {
    const m = parse({ type: 'poll_creation', poll: { q: 1 }, context: { forwarded: true } });
    expect(m.type).toBe('unsupported');
    expect(inboundFields(m, () => false)).toEqual({ media: 'other' });
    expect(WebhookPayload.safeParse({ object: 'whatsapp_business_account', entry: [{ id: '1', time: 1, changes: [{ field: 'messages', value: { messages: [m], extra: true } }] }] }).success).toBe(true);
  });

  it('looks up only code-shaped whole texts as partner codes', () => {
    const asked: string[] = [];
    const isPartner = (code: string) => (asked.push(code), code === 'casaprueba_tj');
    expect(fields({ type: 'text', text: { body: '  casaprueba_tj\n' } }, isPartner)).toEqual({ action: { kind: 'start', payload: 'casaprueba_tj' } });
    expect(fields({ type: 'text', text: { body: 'casaprueba_tj me mandó' } }, isPartner)).toEqual({ text: 'casaprueba_tj me mandó' });
    expect(fields({ type: 'text', text: { body: 'hola' } }, isPartner)).toEqual({ text: 'hola' });
    expect(asked).toEqual(['casaprueba_tj', 'hola']);
  });

  it('keys the person and the message with HMACs: neither the number nor the wamid reaches the core', () => {
    const m = parse({ type: 'text', text: { body: 'hola' } });
    const inbound = toInbound('secret-0123456789abcdef0123456789', '5215512345678', m, { text: 'hola' });
    expect(inbound).toEqual({
      channel: 'whatsapp',
      userKey: userKey('secret-0123456789abcdef0123456789', 'whatsapp', '5215512345678'),
      updateId: userKey('secret-0123456789abcdef0123456789', 'whatsapp-message', 'wamid.X'),
      text: 'hola',
    });
    expect(JSON.stringify(inbound)).not.toMatch(/5215512345678|wamid/);
  });
});
