import { gzipSync } from 'node:zlib';
import type { Update } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userKey } from '../../src/store/index.js';
import { TOKEN as ADMIN_TOKEN } from '../admin/seed.js';
import { loadWorld, type TestWorld } from '../helpers/conversation.js';
import { textUpdate } from '../helpers/fake-bot-api.js';
import { inboundMessage, sign, webhookPayload } from '../helpers/fake-graph-api.js';
import { APP_SECRET, LIMITS, TELEGRAM_SECRET, USER_KEY_SECRET, send, startHostileApp, type Answer, type HostileApp } from './harness.js';

let world: TestWorld;
let app: HostileApp;

beforeAll(async () => {
  world = await loadWorld();
  app = await startHostileApp(world, { perPerson: 1000, webPerAddress: 10_000, apiPerAddress: 10_000, adminGuesses: 10_000 });
}, 120_000);

afterAll(async () => {
  await app?.stop();
});

const JSON_TYPE = { 'content-type': 'application/json' };
/** A JSON body nested `depth` levels deep: [[[…]]]. */
const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
/** A JSON document of exactly `bytes` bytes: `{"<key>":"xxx…"}` plus what `around` adds. */
const padded = (bytes: number, around: (pad: string) => string) => {
  const empty = around('').length;
  return around('x'.repeat(bytes - empty));
};

/** The app still answers after whatever was thrown at it. */
async function stillAlive(): Promise<void> {
  const health = await send(app.base, '/healthz', { method: 'GET' });
  expect(health.status).toBe(200);
  expect(health.json).toEqual({ ok: true });
}

/** No object anywhere gained a property from a "__proto__" in a body. */
function notPolluted(): void {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.prototype).not.toHaveProperty('polluted');
}

function expectStatus(answer: Answer, status: number, error?: string, what = ''): void {
  expect(answer.status, `${what} -> ${answer.text.slice(0, 200)}`).toBe(status);
  if (error !== undefined) expect(answer.json, what).toMatchObject({ error });
}

// ---------------------------------------------------------------------------------------------
// Telegram
// ---------------------------------------------------------------------------------------------

let nextChat = 770_000_001;
/** A fresh private chat per case, so a reply sent to it can only come from that case. */
const chat = () => nextChat++;
let nextUpdateId = 880_000_001;
const telegram = (body: string | Buffer, headers: Record<string, string | string[]> = {}) => send(app.base, '/telegram/webhook', { body, headers });
const withSecret = (extra: Record<string, string | string[]> = {}) => ({ ...JSON_TYPE, 'x-telegram-bot-api-secret-token': TELEGRAM_SECRET, ...extra });
/** Bot API calls that reached one chat (sendMessage and anything else addressed to it). */
const callsTo = (chatId: number) => app.bot.calls.filter((c) => c.payload.chat_id === chatId);
const start = (chatId: number) => JSON.stringify(textUpdate(chatId, '/start', 'es', nextUpdateId++));

describe('Telegram webhook: forged or broken posts', () => {
  it('a missing, wrong, padded-out, differently cased or duplicated secret is 401 and nothing is sent', async () => {
    const id = chat();
    const body = start(id);
    const cases: Array<[string, Record<string, string | string[]>]> = [
      ['missing', JSON_TYPE],
      ['empty', { ...JSON_TYPE, 'x-telegram-bot-api-secret-token': '' }],
      ['wrong', withSecret({ 'x-telegram-bot-api-secret-token': 'hostile-telegram-secret-0123456780' })],
      ['prefix', withSecret({ 'x-telegram-bot-api-secret-token': TELEGRAM_SECRET.slice(0, -1) })],
      ['longer', withSecret({ 'x-telegram-bot-api-secret-token': `${TELEGRAM_SECRET}0` })],
      ['upper case', withSecret({ 'x-telegram-bot-api-secret-token': TELEGRAM_SECRET.toUpperCase() })],
      ['sent twice', withSecret({ 'x-telegram-bot-api-secret-token': [TELEGRAM_SECRET, TELEGRAM_SECRET] })],
      ['wrong then right', withSecret({ 'x-telegram-bot-api-secret-token': ['nope', TELEGRAM_SECRET] })],
      ['in another header', { ...JSON_TYPE, authorization: `Bearer ${TELEGRAM_SECRET}`, 'x-telegram-bot-api-secret': TELEGRAM_SECRET }],
    ];
    for (const [what, headers] of cases) expectStatus(await telegram(body, headers), 401, 'unauthorized', what);
    await app.settle();
    expect(callsTo(id)).toEqual([]);
    expect(await app.store.getSession(userKey(USER_KEY_SECRET, 'telegram', id))).toBeUndefined();
    await stillAlive();
  });

  it('without the secret, even a body far over the limit is refused with 401 before it is read', async () => {
    const id = chat();
    const body = JSON.stringify({ ...textUpdate(id, '/start', 'es', nextUpdateId++), pad: 'x'.repeat(3 * LIMITS.telegram) });
    expectStatus(await telegram(body, JSON_TYPE), 401, 'unauthorized');
    expect(callsTo(id)).toEqual([]);
    await stillAlive();
  });

  it('with the secret: malformed JSON, JSON that is not an object, and charsets or encodings it cannot read are 400 or 415', async () => {
    const id = chat();
    const good = start(id);
    const cases: Array<[string, string | Buffer, Record<string, string | string[]>, number, string | undefined]> = [
      ['truncated', good.slice(0, -3), withSecret(), 400, 'bad_json'],
      ['trailing garbage', `${good}}`, withSecret(), 400, 'bad_json'],
      ['a bare string', '"update"', withSecret(), 400, 'bad_json'],
      ['a number', '12345', withSecret(), 400, 'bad_json'],
      ['null', 'null', withSecret(), 400, 'bad_json'],
      ['NUL bytes', Buffer.from([0x7b, 0x00, 0x00, 0x7d]), withSecret(), 400, 'bad_json'],
      // Bytes that are not UTF-8 decode to U+FFFD: valid JSON, an update with nothing in it to answer.
      ['invalid UTF-8', Buffer.concat([Buffer.from('{"update_id": "'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]), withSecret(), 200, undefined],
      ['Latin-1', Buffer.from(good, 'latin1'), withSecret({ 'content-type': 'application/json; charset=iso-8859-1' }), 415, 'unsupported_media_type'],
      ['unknown encoding', good, withSecret({ 'content-encoding': 'compress' }), 415, 'unsupported_media_type'],
      ['gzip that is not gzip', good, withSecret({ 'content-encoding': 'gzip' }), 400, 'bad_json'],
    ];
    for (const [what, body, headers, status, error] of cases) expectStatus(await telegram(body, headers), status, error, what);
    await app.settle();
    expect(callsTo(id)).toEqual([]);
    await stillAlive();
  });

  it('with the secret: a body just over 1 MB is 413, also when it is a gzip bomb; one just under is accepted', async () => {
    const id = chat();
    const over = padded(LIMITS.telegram + 1, (pad) => JSON.stringify({ ...textUpdate(id, '/start', 'es', nextUpdateId++), pad }));
    expectStatus(await telegram(over, withSecret()), 413, 'too_large', 'just over');
    const bomb = gzipSync(Buffer.from(JSON.stringify({ ...textUpdate(id, '/start', 'es', nextUpdateId++), pad: ' '.repeat(20 * LIMITS.telegram) })));
    expect(bomb.length).toBeLessThan(LIMITS.telegram / 10);
    expectStatus(await telegram(bomb, withSecret({ 'content-encoding': 'gzip' })), 413, 'too_large', 'gzip bomb');
    await app.settle();
    expect(callsTo(id)).toEqual([]);

    // An update of exactly the limit is read; unknown fields are Telegram's business, not a refusal.
    const under = chat();
    const exact = padded(LIMITS.telegram, (pad) => JSON.stringify({ ...textUpdate(under, '/start', 'es', nextUpdateId++), pad }));
    expect(Buffer.byteLength(exact)).toBe(LIMITS.telegram);
    expectStatus(await telegram(exact, withSecret()), 200, undefined, 'exactly at the limit');
    await app.settle();
    expect(callsTo(under).length).toBeGreaterThan(0);
    await stillAlive();
  });
});

describe('Telegram webhook: shapes Faro does not answer', () => {
  const notJson: Array<[string, Record<string, string>]> = [
    ['no Content-Type', { 'x-telegram-bot-api-secret-token': TELEGRAM_SECRET }],
    ['text/plain', withSecret({ 'content-type': 'text/plain' })],
    ['a form', withSecret({ 'content-type': 'application/x-www-form-urlencoded' })],
  ];

  // Only a caller holding the secret gets this far; Telegram itself always sends JSON.
  it('with the secret but not JSON (no Content-Type, text/plain, a form): nothing is sent and the server stays up', async () => {
    const id = chat();
    for (const [what, headers] of notJson) expect((await telegram(start(id), headers)).status, what).toBeGreaterThanOrEqual(400);
    await app.settle();
    expect(callsTo(id)).toEqual([]);
    await stillAlive();
  });

  // Found by these tests: such a body used to reach grammY as `undefined` and end in a 500
  // (which Telegram retries); the webhook route now answers 415 before the handler.
  it('with the secret but not JSON (no Content-Type, text/plain, a form) is 415', async () => {
    for (const [what, headers] of notJson) expectStatus(await telegram(start(chat()), headers), 415, 'unsupported_media_type', what);
  });

  it('an empty body, 10,000 levels of nesting and huge arrays are read without harm and answered 200, with no reply', async () => {
    const id = chat();
    const deep = nested(10_000);
    const bodies: Array<[string, string]> = [
      ['empty', ''],
      ['empty object', '{}'],
      ['empty array', '[]'],
      ['10,000 levels', deep],
      ['10,000 levels inside an update', `{"update_id": ${nextUpdateId++}, "message": {"chat": {"id": ${id}, "type": "private"}, "x": ${deep}}}`],
      ['deep from and chat', `{"update_id": ${nextUpdateId++}, "poll": {"id": "p", "options": ${deep}}}`],
      ['100,000 numbers', `{"update_id": ${nextUpdateId++}, "x": [${Array(100_000).fill('1').join(',')}]}`],
      ['50,000 updates in an array', JSON.stringify(Array.from({ length: 50_000 }, () => ({ update_id: 1 })))],
      ['a message with 20,000 entities', JSON.stringify({ ...textUpdate(id, 'hola', 'es', nextUpdateId++), message: { ...(textUpdate(id, 'hola').message as object), chat: { id: -1, type: 'channel' }, entities: Array.from({ length: 20_000 }, () => ({ type: 'bot_command', offset: 0, length: 4 })) } })],
      ['__proto__', `{"update_id": ${nextUpdateId++}, "__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}`],
    ];
    for (const [what, body] of bodies) {
      expect(Buffer.byteLength(body), what).toBeLessThanOrEqual(LIMITS.telegram);
      expectStatus(await telegram(body, withSecret()), 200, undefined, what);
    }
    await app.settle();
    expect(callsTo(id)).toEqual([]);
    expect(callsTo(-1)).toEqual([]);
    notPolluted();
    await stillAlive();
  });

  it('update types Faro does not ask for (edits, channel posts, polls, membership, join requests, business messages) get 200 and no reply', async () => {
    const id = chat();
    const now = Math.floor(Date.now() / 1000);
    const from = { id, is_bot: false, first_name: 'Ana', language_code: 'es' };
    const privateChat = { id, type: 'private', first_name: 'Ana' };
    const message = { message_id: 1, date: now, chat: privateChat, from, text: '/start', entities: [{ type: 'bot_command', offset: 0, length: 6 }] };
    const offer = { ...message, text: 'Pase directo a USA 100% garantizado, sin caminar, anticipo por Elektra', entities: undefined };
    const member = { chat: privateChat, from, date: now, old_chat_member: { status: 'member', user: from }, new_chat_member: { status: 'kicked', user: from, until_date: 0 } };
    const updates: Array<Record<string, unknown>> = [
      { edited_message: { ...message, edit_date: now } },
      { edited_message: { ...offer, edit_date: now } },
      { channel_post: { ...message, chat: { id, type: 'channel', title: 'c' }, from: undefined } },
      { edited_channel_post: { ...offer, chat: { id, type: 'channel', title: 'c' }, edit_date: now } },
      { poll: { id: 'p1', question: '/start', options: [{ text: 'a', voter_count: 1 }], total_voter_count: 1, is_closed: false, is_anonymous: true, type: 'regular', allows_multiple_answers: false } },
      { poll_answer: { poll_id: 'p1', user: from, option_ids: [0] } },
      { my_chat_member: member },
      { chat_member: member },
      { chat_join_request: { chat: { id: -100123, type: 'supergroup', title: 'g' }, from, user_chat_id: id, date: now } },
      { business_connection: { id: 'b1', user: from, user_chat_id: id, date: now, can_reply: true, is_enabled: true } },
      { business_message: { ...message, business_connection_id: 'b1' } },
      { business_message: { ...offer, business_connection_id: 'b1' } },
      { edited_business_message: { ...offer, business_connection_id: 'b1', edit_date: now } },
      { deleted_business_messages: { business_connection_id: 'b1', chat: privateChat, message_ids: [1] } },
      { message_reaction: { chat: privateChat, message_id: 1, user: from, date: now, old_reaction: [], new_reaction: [{ type: 'emoji', emoji: '👍' }] } },
      { inline_query: { id: 'i1', from, query: 'Pase directo a USA', offset: '' } },
      { chosen_inline_result: { result_id: 'r', from, query: 'x' } },
      { shipping_query: { id: 's', from, invoice_payload: 'x', shipping_address: {} } },
      { pre_checkout_query: { id: 'q', from, currency: 'USD', total_amount: 1, invoice_payload: 'x' } },
      { purchased_paid_media: { from, paid_media_payload: 'x' } },
      { a_type_telegram_adds_next_year: { chat: privateChat, from, text: '/start' } },
    ];
    for (const u of updates) {
      const update = { update_id: nextUpdateId++, ...u } as Update;
      expectStatus(await telegram(JSON.stringify(update), withSecret()), 200, undefined, Object.keys(u)[0]);
    }
    await app.settle();
    expect(callsTo(id).map((c) => c.method)).toEqual([]);
    expect(await app.store.getSession(userKey(USER_KEY_SECRET, 'telegram', id))).toBeUndefined();
    await stillAlive();
  });

  it('after all that, a real /start is still answered', async () => {
    const id = chat();
    expectStatus(await telegram(start(id), withSecret()), 200);
    await app.settle();
    expect(callsTo(id).filter((c) => c.method === 'sendMessage').length).toBeGreaterThan(0);
  });
});

// ---------------------------------------------------------------------------------------------
// WhatsApp
// ---------------------------------------------------------------------------------------------

let nextPhone = 5215599990001;
const phone = () => String(nextPhone++);
const whatsapp = (body: string | Buffer, headers: Record<string, string | string[]> = {}) => send(app.base, '/whatsapp/webhook', { body, headers });
const signed = (body: string | Buffer, extra: Record<string, string | string[]> = {}) => ({ ...JSON_TYPE, 'x-hub-signature-256': sign(APP_SECRET, body), ...extra });
const textFrom = (from: string, body = 'Pase directo a USA 100% garantizado, anticipo por Elektra') => inboundMessage(from, 'text', { text: { body } });
/** Everything Faro asked of the Graph API about one person: messages to them (read receipts carry only the wamid). */
const graphTo = (from: string) => app.graph.requests.filter((r) => r.body.to === from);

/** Runs `fn`, then checks that no request at all reached the Graph API and nobody got a session. */
async function nothingSent(people: string[], fn: () => Promise<void>): Promise<void> {
  const before = app.graph.requests.length;
  await fn();
  await app.settle();
  expect(app.graph.requests.slice(before)).toEqual([]);
  for (const p of people) expect(await app.store.getSession(userKey(USER_KEY_SECRET, 'whatsapp', p))).toBeUndefined();
  await stillAlive();
}

describe('WhatsApp webhook: forged or broken posts', () => {
  it('a missing, malformed, wrongly keyed, duplicated or other body\'s signature is 401', async () => {
    const from = phone();
    const body = JSON.stringify(webhookPayload([textFrom(from)]));
    const good = sign(APP_SECRET, body);
    const cases: Array<[string, Record<string, string | string[]>]> = [
      ['missing', JSON_TYPE],
      ['empty', { ...JSON_TYPE, 'x-hub-signature-256': '' }],
      ['no digest', { ...JSON_TYPE, 'x-hub-signature-256': 'sha256=' }],
      ['digest only', { ...JSON_TYPE, 'x-hub-signature-256': good.slice('sha256='.length) }],
      ['sha1 name', { ...JSON_TYPE, 'x-hub-signature-256': good.replace('sha256=', 'sha1=') }],
      ['one digit off', { ...JSON_TYPE, 'x-hub-signature-256': good.slice(0, -1) + (good.endsWith('0') ? '1' : '0') }],
      ['truncated', { ...JSON_TYPE, 'x-hub-signature-256': good.slice(0, -2) }],
      ['another app secret', { ...JSON_TYPE, 'x-hub-signature-256': sign('another-app-secret-0123456789abcd', body) }],
      ['the verify token as key', { ...JSON_TYPE, 'x-hub-signature-256': sign('hostile-verify-token-0123', body) }],
      ['another body', { ...JSON_TYPE, 'x-hub-signature-256': sign(APP_SECRET, JSON.stringify(webhookPayload([textFrom(phone())]))) }],
      ['the body plus a newline', { ...JSON_TYPE, 'x-hub-signature-256': sign(APP_SECRET, `${body}\n`) }],
      ['an empty body', { ...JSON_TYPE, 'x-hub-signature-256': sign(APP_SECRET, '') }],
      ['sent twice', { ...JSON_TYPE, 'x-hub-signature-256': [good, good] }],
      ['wrong then right', { ...JSON_TYPE, 'x-hub-signature-256': [sign(APP_SECRET, 'x'), good] }],
      ['as the sha1 header', { ...JSON_TYPE, 'x-hub-signature': good }],
    ];
    await nothingSent([from], async () => {
      for (const [what, headers] of cases) expectStatus(await whatsapp(body, headers), 401, 'unauthorized', what);
    });
  });

  it('the body is verified as sent: re-encoded, re-spaced or re-ordered JSON with the original\'s signature is 401', async () => {
    const from = phone();
    const payload = webhookPayload([textFrom(from, 'hola ñandú')]);
    const body = JSON.stringify(payload);
    const headers = signed(body);
    const variants = [
      JSON.stringify(payload, null, 1),
      body.replace('ñandú', '\\u00f1and\\u00fa'),
      JSON.stringify({ entry: payload.entry, object: payload.object }),
      body.normalize('NFD'),
    ];
    await nothingSent([from], async () => {
      for (const v of variants) expectStatus(await whatsapp(v, headers), 401, 'unauthorized', v.slice(0, 30));
    });
  });

  it('a body just over 1 MiB is 413 before any signature check, and so is a gzip bomb; one at the limit is read', async () => {
    const from = phone();
    const over = padded(LIMITS.whatsapp + 1, (pad) => JSON.stringify(webhookPayload([textFrom(from)], { statuses: [{ pad }] })));
    const bomb = gzipSync(Buffer.from(JSON.stringify(webhookPayload([textFrom(from)], { statuses: [{ pad: ' '.repeat(20 * LIMITS.whatsapp) }] }))));
    await nothingSent([from], async () => {
      expectStatus(await whatsapp(over, signed(over)), 413, 'too_large', 'signed');
      expectStatus(await whatsapp(over, JSON_TYPE), 413, 'too_large', 'unsigned');
      expectStatus(await whatsapp(bomb, signed(bomb, { 'content-encoding': 'gzip' })), 413, 'too_large', 'gzip bomb');
    });
    const at = padded(LIMITS.whatsapp, (pad) => JSON.stringify(webhookPayload([], { statuses: [{ id: 'wamid.out', status: 'read', pad }] })));
    expect(Buffer.byteLength(at)).toBe(LIMITS.whatsapp);
    await nothingSent([], async () => expectStatus(await whatsapp(at, signed(at)), 200));
  });

  it('signed but not JSON, empty, in an unknown encoding, or sent without a Content-Type is refused', async () => {
    const from = phone();
    const body = JSON.stringify(webhookPayload([textFrom(from)]));
    const cases: Array<[string, string | Buffer, Record<string, string | string[]>, number, string]> = [
      ['truncated', body.slice(0, -2), signed(body.slice(0, -2)), 400, 'bad_json'],
      ['empty', '', signed(''), 400, 'bad_json'],
      ['a form', 'object=whatsapp_business_account', signed('object=whatsapp_business_account', { 'content-type': 'application/x-www-form-urlencoded' }), 400, 'bad_json'],
      ['NUL bytes', Buffer.from([0x7b, 0, 0x7d]), signed(Buffer.from([0x7b, 0, 0x7d])), 400, 'bad_json'],
      ['unknown encoding', body, signed(body, { 'content-encoding': 'compress' }), 415, 'bad_request'],
      // Without a Content-Type the body is not read, so it cannot match its signature.
      ['no Content-Type', body, { 'x-hub-signature-256': sign(APP_SECRET, body) }, 401, 'unauthorized'],
    ];
    await nothingSent([from], async () => {
      for (const [what, b, headers, status, error] of cases) expectStatus(await whatsapp(b, headers), status, error, what);
    });
  });
});

describe('WhatsApp webhook: strange payloads, correctly signed', () => {
  /** A payload with `message` as its only message, `value` fields merged in. */
  const withMessage = (message: unknown, value: Record<string, unknown> = {}) => {
    const p = webhookPayload([message]) as { entry: Array<{ changes: Array<{ value: Record<string, unknown> }> }> };
    Object.assign(p.entry[0]!.changes[0]!.value, value);
    return p;
  };

  it('fields of the wrong type are a 400 naming the field, and nothing is sent', async () => {
    const from = phone();
    const m = () => textFrom(from);
    const cases: Array<[string, unknown]> = [
      ['object is another product', { object: 'page', entry: [] }],
      ['object missing', { entry: [] }],
      ['entry an object', { object: 'whatsapp_business_account', entry: {} }],
      ['entry null', { object: 'whatsapp_business_account', entry: null }],
      ['changes missing', { object: 'whatsapp_business_account', entry: [{ id: '1' }] }],
      ['value null', { object: 'whatsapp_business_account', entry: [{ changes: [{ field: 'messages', value: null }] }] }],
      ['messages a string', withMessage(m(), { messages: 'hola' })],
      ['a message that is an array', withMessage([m()])],
      ['id a number', withMessage({ ...m(), id: 42 })],
      ['id empty', withMessage({ ...m(), id: '' })],
      ['from a number', withMessage({ ...m(), from: Number(from) })],
      ['timestamp an object', withMessage({ ...m(), timestamp: { $gt: 0 } })],
      ['timestamp negative', withMessage({ ...m(), timestamp: -1 })],
      ['timestamp not digits', withMessage({ ...m(), timestamp: '1700000000; DROP TABLE sessions' })],
      ['timestamp fractional', withMessage({ ...m(), timestamp: 1.5 })],
      ['text a string', withMessage({ ...m(), text: 'hola' })],
      ['text.body a number', withMessage({ ...m(), text: { body: 42 } })],
      ['text.body null', withMessage({ ...m(), text: { body: null } })],
      ['a button id that is an object', withMessage(inboundMessage(from, 'interactive', { interactive: { type: 'button_reply', button_reply: { id: { kind: 'forget' } } } }))],
      ['interactive without a type', withMessage(inboundMessage(from, 'interactive', { interactive: { button_reply: { id: 'forget' } } }))],
      ['a caption that is an array', withMessage(inboundMessage(from, 'image', { image: { caption: ['Pase directo'] } }))],
      ['audio.voice a string', withMessage(inboundMessage(from, 'audio', { audio: { voice: 'yes' } }))],
      ['phone_number_id a number', withMessage(m(), { metadata: { phone_number_id: 106540352242922 } })],
      ['group_id a number', withMessage({ ...m(), group_id: 7 })],
    ];
    await nothingSent([from], async () => {
      for (const [what, payload] of cases) {
        const body = JSON.stringify(payload);
        const answer = await whatsapp(body, signed(body));
        expectStatus(answer, 400, 'bad_payload', what);
        // The message says where, never echoing what the person wrote.
        expect(String(answer.json?.message), what).toContain('→ at ');
        expect(String(answer.json?.message), what).not.toContain('Pase directo');
      }
    });
  });

  it('10,000 levels of nesting and arrays of 50,000 are read without harm: 400 where the shape is wrong, 200 where it is only unusual', async () => {
    const from = phone();
    const deep = nested(10_000);
    const statuses = Array.from({ length: 50_000 }, () => ({ s: 1 }));
    const groupMessages = Array.from({ length: 3_000 }, () => ({ ...textFrom(phone(), 'hola'), group_id: 'g-1' }));
    const cases: Array<[string, string, number]> = [
      ['10,000 levels', deep, 400],
      ['10,000 levels as entry', `{"object": "whatsapp_business_account", "entry": ${deep}}`, 400],
      ['10,000 levels as a message', `{"object": "whatsapp_business_account", "entry": [{"changes": [{"value": {"messages": ${deep}}}]}]}`, 400],
      ['10,000 levels in an unknown field', `{"object": "whatsapp_business_account", "entry": [{"changes": [{"value": {"x": ${deep}}}]}], "y": ${deep}}`, 200],
      ['10,000 levels in a status', JSON.stringify(webhookPayload([], { statuses: [{ x: 'DEEP' }] })).replace('"DEEP"', deep), 200],
      ['50,000 entries', JSON.stringify({ object: 'whatsapp_business_account', entry: Array.from({ length: 50_000 }, () => ({ changes: [] })) }), 200],
      ['50,000 statuses', JSON.stringify(webhookPayload([], { statuses })), 200],
      ['3,000 group messages', JSON.stringify(webhookPayload(groupMessages)), 200],
      ['100,000 numbers', `{"object": "whatsapp_business_account", "entry": [], "x": [${Array(100_000).fill('1').join(',')}]}`, 200],
    ];
    await nothingSent([from, ...groupMessages.map((g) => g.from)], async () => {
      for (const [what, body, status] of cases) {
        expect(Buffer.byteLength(body), what).toBeLessThanOrEqual(LIMITS.whatsapp);
        expectStatus(await whatsapp(body, signed(body)), status, status === 200 ? undefined : 'bad_payload', what);
      }
    });
  });

  it('"__proto__" and "constructor" keys anywhere change no object\'s prototype', async () => {
    const from = phone();
    const proto = '"__proto__": {"polluted": true, "type": "text"}, "constructor": {"prototype": {"polluted": true}}';
    const bodies = [
      `{"object": "whatsapp_business_account", "entry": [], ${proto}}`,
      `{"object": "whatsapp_business_account", "entry": [{${proto}, "changes": [{${proto}, "value": {${proto}, "statuses": [{${proto}}]}}]}]}`,
      `{"object": "whatsapp_business_account", "entry": [{"changes": [{"value": {"messages": [{${proto}, "from": "${from}", "id": "wamid.p", "timestamp": "1", "type": "reaction"}]}}]}]}`,
    ];
    await nothingSent([from], async () => {
      for (const body of bodies) expectStatus(await whatsapp(body, signed(body)), 200, undefined, body.slice(0, 80));
    });
    notPolluted();
  });
});

describe('WhatsApp webhook: messages Faro cannot read', () => {
  it('unknown and odd message types get at most the kind "I can only read text" reply; reactions and notices get none', async () => {
    const t = world.i18n.t('en');
    const noText = t('media.no_text').split('\n')[0]!.trim();
    const odd: Array<[string, Record<string, unknown>]> = [
      ['poll_creation', { type: 'poll_creation', poll: { question: 'Pase directo?' } }],
      ['ephemeral', { type: 'ephemeral' }],
      ['unsupported', { type: 'unsupported', errors: [{ code: 131051 }] }],
      ['order', { type: 'order', order: { catalog_id: '1', product_items: [] } }],
      ['a number', { type: 42 }],
      ['null', { type: null }],
      ['missing', { type: undefined }],
      ['__proto__', { type: '__proto__' }],
      ['TEXT in capitals', { type: 'TEXT', text: { body: 'Pase directo a USA 100% garantizado, anticipo por Elektra' } }],
      ['text without text', { type: 'text' }],
      ['interactive without an answer', { type: 'interactive', interactive: { type: 'nfm_reply', nfm_reply: { response_json: '{}' } } }],
    ];
    const silent: Array<[string, Record<string, unknown>]> = [
      ['reaction', { type: 'reaction', reaction: { message_id: 'wamid.x', emoji: '👍' } }],
      ['system', { type: 'system', system: { body: 'changed number' } }],
    ];
    const people = [...odd, ...silent].map(([what, fields]) => ({ what, from: phone(), fields }));
    const messages = people.map(({ from, fields }) => ({ from, id: `wamid.odd${from}`, timestamp: String(Math.floor(Date.now() / 1000)), ...fields }));
    const body = JSON.stringify(webhookPayload(messages));
    expectStatus(await whatsapp(body, signed(body)), 200);
    await app.settle();
    for (const { what, from } of people) {
      const sends = graphTo(from);
      if (silent.some(([w]) => w === what)) {
        expect(sends, what).toEqual([]);
        continue;
      }
      const text = sends.map((r) => JSON.stringify(r.body)).join('\n');
      expect(text, what).toContain(noText.slice(0, 30));
      expect(text, what).not.toContain(t('check.risk_high'));
    }
    await stillAlive();
  });

  it('deliveries Faro must not answer: other numbers, groups, other fields, closed windows', async () => {
    const people = Array.from({ length: 5 }, phone);
    const old = String(Math.floor((Date.now() - 25 * 60 * 60 * 1000) / 1000));
    const payloads = [
      webhookPayload([textFrom(people[0]!)], { phoneNumberId: '999999999999999' }),
      webhookPayload([{ ...textFrom(people[1]!), group_id: 'g-7' }]),
      { ...webhookPayload([textFrom(people[2]!)]), entry: [{ id: '1', changes: [{ field: 'account_update', value: webhookPayload([textFrom(people[2]!)]).entry[0]!.changes[0]!.value }] }] },
      webhookPayload([{ ...textFrom(people[3]!), timestamp: old }]),
      webhookPayload([{ ...textFrom(people[4]!), from: undefined }]),
    ];
    // The closed-window message is still handled (its session kept); only the send is withheld.
    await nothingSent(people.filter((_, i) => i !== 3), async () => {
      for (const p of payloads) {
        const body = JSON.stringify(p);
        expectStatus(await whatsapp(body, signed(body)), 200);
      }
    });
  });
});

describe('WhatsApp subscription handshake (GET)', () => {
  const verify = (query: string) => send(app.base, `/whatsapp/webhook?${query}`, { method: 'GET' });

  it('refuses wrong, missing, repeated, bracketed or prefixed verify tokens with 403', async () => {
    const token = encodeURIComponent('hostile-verify-token-0123');
    for (const q of [
      'hub.challenge=1',
      `hub.mode=subscribe&hub.challenge=1`,
      `hub.mode=subscribe&hub.verify_token=&hub.challenge=1`,
      `hub.mode=subscribe&hub.verify_token=${token.slice(0, -1)}&hub.challenge=1`,
      `hub.mode=subscribe&hub.verify_token=${token}x&hub.challenge=1`,
      `hub.mode=subscribe&hub.verify_token[]=${token}&hub.challenge=1`,
      `hub.mode=subscribe&hub.verify_token=wrong&hub.verify_token=${token}&hub.challenge=1`,
      `hub.mode=unsubscribe&hub.verify_token=${token}&hub.challenge=1`,
      `hub.mode=SUBSCRIBE&hub.verify_token=${token}&hub.challenge=1`,
    ]) {
      expectStatus(await verify(q), 403, 'forbidden', q);
    }
  });

  it('with the right token: no challenge is 400; a hostile challenge is echoed only as plain text that browsers will not sniff', async () => {
    const token = encodeURIComponent('hostile-verify-token-0123');
    expectStatus(await verify(`hub.mode=subscribe&hub.verify_token=${token}`), 400, 'bad_request');
    const challenge = '<script>alert(1)</script>';
    const echoed = await verify(`hub.mode=subscribe&hub.verify_token=${token}&hub.challenge=${encodeURIComponent(challenge)}`);
    expect(echoed.status).toBe(200);
    expect(echoed.headers['content-type']).toMatch(/^text\/plain/);
    expect(echoed.headers['x-content-type-options']).toBe('nosniff');
    expect(echoed.text).toBe(challenge);
  });

  it('other methods are 404', async () => {
    for (const method of ['PUT', 'DELETE', 'PATCH']) expectStatus(await send(app.base, '/whatsapp/webhook', { method, headers: JSON_TYPE, body: '{}' }), 404, 'not_found', method);
    expectStatus(await send(app.base, '/telegram/webhook', { method: 'GET' }), 404, 'not_found', 'GET telegram');
  });
});

// ---------------------------------------------------------------------------------------------
// Web chat, check API, admin
// ---------------------------------------------------------------------------------------------

type Case = [what: string, body: string | Buffer, headers: Record<string, string | string[]>, status: number, error: string];

/** The body cases every JSON route gets; `valid` is a good body for the route. */
function jsonCases(limit: number, valid: string, field: string): Case[] {
  const deep = nested(10_000);
  const over = padded(limit + 1, (pad) => JSON.stringify({ [field]: pad }));
  const bomb = gzipSync(Buffer.from(JSON.stringify({ [field]: ' '.repeat(50 * limit) })));
  return [
    ['truncated', valid.slice(0, -2), JSON_TYPE, 400, 'bad_json'],
    ['a bare string', '"Pase directo"', JSON_TYPE, 400, 'bad_json'],
    ['null', 'null', JSON_TYPE, 400, 'bad_json'],
    ['empty', '', JSON_TYPE, 400, 'bad_request'],
    ['an array', `[${valid}]`, JSON_TYPE, 400, 'bad_request'],
    ['10,000 levels', deep, JSON_TYPE, 400, 'bad_request'],
    ['10,000 levels as the text', `{"${field}": ${deep}}`, JSON_TYPE, 400, 'bad_request'],
    ['15,000 texts in an array', `{"${field}": [${Array(15_000).fill('"a"').join(',')}]}`, JSON_TYPE, 400, 'bad_request'],
    ['__proto__', `{"${field}": "hola", "__proto__": {"polluted": true}}`, JSON_TYPE, 400, 'bad_request'],
    ['Latin-1', Buffer.from(valid, 'latin1'), { 'content-type': 'application/json; charset=iso-8859-1' }, 415, 'unsupported_media_type'],
    ['just over the limit', over, JSON_TYPE, 413, 'too_large'],
    ['a gzip bomb', bomb, { ...JSON_TYPE, 'content-encoding': 'gzip' }, 413, 'too_large'],
  ];
}

describe('web chat: hostile posts', () => {
  const post = (body: string | Buffer, headers: Record<string, string | string[]>) => send(app.base, '/web/messages', { body, headers });
  const valid = JSON.stringify({ text: 'Pase directo a USA 100% garantizado' });

  it('bad bodies are 400, 413 or 415; foreign origins 403; none opens a session', async () => {
    const cases: Case[] = [
      ...jsonCases(LIMITS.web, valid, 'text'),
      ['no Content-Type', valid, {}, 415, 'unsupported_media_type'],
      ['text/plain', valid, { 'content-type': 'text/plain' }, 415, 'unsupported_media_type'],
      ['a form', 'text=hola', { 'content-type': 'application/x-www-form-urlencoded' }, 415, 'unsupported_media_type'],
      ['multipart', '--x\r\n\r\nhola\r\n--x--', { 'content-type': 'multipart/form-data; boundary=x' }, 415, 'unsupported_media_type'],
      ['a foreign origin', valid, { ...JSON_TYPE, origin: 'https://evil.example' }, 403, 'forbidden'],
      ['origin null', valid, { ...JSON_TYPE, origin: 'null' }, 403, 'forbidden'],
      ['a forged action', '{"action": "__proto__"}', JSON_TYPE, 400, 'bad_request'],
      ['an overlong action', JSON.stringify({ action: `start:${'x'.repeat(200)}` }), JSON_TYPE, 400, 'bad_request'],
      ['a hostile lang', JSON.stringify({ text: 'hola', lang: '../../etc/passwd' }), JSON_TYPE, 400, 'bad_request'],
    ];
    for (const [what, body, headers, status, error] of cases) {
      const answer = await post(body, headers);
      expectStatus(answer, status, error, what);
      expect(answer.headers['set-cookie'], what).toBeUndefined();
    }
    // At exactly 64 KB the body is read; its text is then too long for a message.
    const exact = padded(LIMITS.web, (pad) => JSON.stringify({ text: pad }));
    expectStatus(await post(exact, JSON_TYPE), 400, 'bad_request', 'exactly at the limit');
    notPolluted();
    await stillAlive();
  });
});

describe('check API: hostile posts', () => {
  const post = (body: string | Buffer, headers: Record<string, string | string[]>) => send(app.base, '/api/v1/check', { body, headers });
  const valid = JSON.stringify({ text: 'Pase directo a USA 100% garantizado' });

  it('bad bodies are 400, 413 or 415', async () => {
    const cases: Case[] = [
      ...jsonCases(LIMITS.api, valid, 'text'),
      // The API is not a browser form target, so a body it does not parse is just an empty request.
      ['no Content-Type', valid, {}, 400, 'bad_request'],
      ['text/plain', valid, { 'content-type': 'text/plain' }, 400, 'bad_request'],
      ['lang an object', JSON.stringify({ text: 'hola', lang: { $ne: 'x' } }), JSON_TYPE, 400, 'bad_request'],
    ];
    for (const [what, body, headers, status, error] of cases) expectStatus(await post(body, headers), status, error, what);
    const exact = padded(LIMITS.api, (pad) => JSON.stringify({ text: pad }));
    expectStatus(await post(exact, JSON_TYPE), 400, 'bad_request', 'exactly at the limit');
    notPolluted();
    await stillAlive();
  });
});

describe('admin: hostile requests', () => {
  const login = (body: string, headers: Record<string, string | string[]> = { 'content-type': 'application/x-www-form-urlencoded' }) =>
    send(app.base, '/admin/login', { body, headers });
  const token = encodeURIComponent(ADMIN_TOKEN);

  it('odd logins are 401 or 413 and set no cookie', async () => {
    const cases: Array<[string, string, Record<string, string> | undefined, number]> = [
      ['the token as JSON', JSON.stringify({ token: ADMIN_TOKEN }), JSON_TYPE, 401],
      ['the token twice', `token=${token}&token=${token}`, undefined, 401],
      ['the token in brackets', `token[]=${token}`, undefined, 401],
      ['a prefix of the token', `token=${token.slice(0, -1)}`, undefined, 401],
      ['no body', '', undefined, 401],
      ['just over 4 KB', padded(LIMITS.adminLogin + 1, (pad) => `token=${pad}`), undefined, 413],
      ['too many fields', 'a=1&b=2&c=3&d=4&e=5&f=6&token=x', undefined, 413],
    ];
    for (const [what, body, headers, status] of cases) {
      const answer = await login(body, headers);
      expect(answer.status, what).toBe(status);
      expect(answer.headers['set-cookie'], what).toBeUndefined();
    }
    await stillAlive();
  });

  it('forged bearer tokens and cookies are 401; odd filters are 400 only once authorised', async () => {
    const get = (path: string, headers: Record<string, string | string[]>) => send(app.base, path, { method: 'GET', headers });
    const refused: Array<Record<string, string | string[]>> = [
      { authorization: `Bearer ${'x'.repeat(8000)}` },
      { authorization: `Bearer ${ADMIN_TOKEN.toUpperCase()}` },
      { authorization: `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}` },
      { authorization: `Bearer ${ADMIN_TOKEN} ${ADMIN_TOKEN}` },
      { cookie: Array.from({ length: 200 }, (_, i) => `faro_admin=${i}.${'A'.repeat(43)}`).join('; ') },
      { cookie: `faro_admin=99999999999.${'A'.repeat(43)}` },
    ];
    for (const headers of refused) expectStatus(await get('/admin/api/trends', headers), 401, 'unauthorized', JSON.stringify(headers).slice(0, 60));
    expectStatus(await get('/admin/api/trends?weeks=1e3&partner[$ne]=x', {}), 401, 'unauthorized', 'odd filter, no token');
    const bearer = { authorization: `Bearer ${ADMIN_TOKEN}` };
    for (const q of ['weeks=0', 'weeks=1e3', 'partner=..%2F..%2Fetc', 'partner[$ne]=x&weeks=abc', `partner=${'a'.repeat(100)}`]) {
      expectStatus(await get(`/admin/api/trends?${q}`, bearer), 400, 'bad_request', q);
    }
    await stillAlive();
  });
});

describe('anywhere', () => {
  it('unknown paths and methods are a JSON 404; headers over 16 KB are 431; the server keeps answering', async () => {
    for (const [method, path] of [['GET', '/nope'], ['POST', '/healthz'], ['DELETE', '/api/v1/check'], ['GET', '/api/v1/check'], ['POST', '/admin/nothing'], ['GET', '/%2e%2e/%2e%2e/etc/passwd']] as const) {
      expectStatus(await send(app.base, path, { method, headers: JSON_TYPE, body: method === 'GET' ? undefined : '{}' }), 404, 'not_found', `${method} ${path}`);
    }
    expect((await send(app.base, '/healthz', { method: 'GET', headers: { 'x-big': 'x'.repeat(20_000) } })).status).toBe(431);
    await stillAlive();
  });
});

// ---------------------------------------------------------------------------------------------
// Floods, against an app with small limits
// ---------------------------------------------------------------------------------------------

describe('floods', () => {
  let tight: HostileApp;
  const LIMIT = 3;
  beforeAll(async () => {
    tight = await startHostileApp(world, { perPerson: LIMIT, webPerAddress: LIMIT, apiPerAddress: LIMIT, adminGuesses: LIMIT });
  }, 60_000);
  afterAll(async () => {
    await tight?.stop();
  });

  const statuses = async (n: number, request: () => Promise<Answer>) => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push((await request()).status);
    return out;
  };

  it('one address: the web chat and the API answer 429 past their limit per minute, and a 429 opens no session', async () => {
    const web = () => send(tight.base, '/web/messages', { body: '{"action": "start"}', headers: JSON_TYPE });
    expect(await statuses(LIMIT + 3, web)).toEqual([...Array(LIMIT).fill(200), 429, 429, 429]);
    const limited = await web();
    expectStatus(limited, 429, 'too_many_requests');
    expect(limited.headers['set-cookie']).toBeUndefined();
    const api = () => send(tight.base, '/api/v1/check', { body: '{"text": "Pase directo a USA"}', headers: JSON_TYPE });
    expect(await statuses(LIMIT + 2, api)).toEqual([...Array(LIMIT).fill(200), 429, 429]);
    // The per-address limit counts bodies it never reads: a flood of bad ones is cut off too.
    expectStatus(await send(tight.base, '/api/v1/check', { body: '{', headers: JSON_TYPE }), 429, 'too_many_requests');
    await stillAliveAt(tight);
  });

  it('one address guessing the admin token: 429 after the limit, even for the right token, bearer guesses included', async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const guesses = await statuses(LIMIT, () => send(tight.base, '/admin/login', { body: 'token=wrong-guess', headers: form }));
    expect(guesses).toEqual(Array(LIMIT).fill(401));
    const right = await send(tight.base, '/admin/login', { body: `token=${encodeURIComponent(ADMIN_TOKEN)}`, headers: form });
    expect(right.status).toBe(429);
    expect(right.headers['set-cookie']).toBeUndefined();
    expect((await send(tight.base, '/admin/api/trends', { method: 'GET', headers: { authorization: 'Bearer wrong' } })).status).toBe(429);
    await stillAliveAt(tight);
  });

  it('one Telegram user sending 30 messages a minute: every post is 200, one polite "wait", then silence', async () => {
    const id = 990_000_001;
    const wait = world.i18n.t('es')('rate.limited').split('\n')[0]!;
    for (let i = 0; i < 30; i++) {
      const update = textUpdate(id, '/menu', 'es', 990_100_000 + i);
      expectStatus(await send(tight.base, '/telegram/webhook', { body: JSON.stringify(update), headers: withSecret() }), 200);
    }
    await tight.settle();
    const texts = tight.bot.calls.filter((c) => c.method === 'sendMessage' && c.payload.chat_id === id).map((c) => String(c.payload.text));
    expect(texts.filter((t) => t.includes(wait))).toHaveLength(1);
    expect(texts.at(-1)).toContain(wait);
    expect(texts.length).toBeLessThanOrEqual(LIMIT * 2 + 1);
  });

  it('the same Telegram update posted 30 times is answered once', async () => {
    const id = 990_000_002;
    const body = JSON.stringify(textUpdate(id, '/menu', 'en', 990_200_000));
    expect(await statuses(30, () => send(tight.base, '/telegram/webhook', { body, headers: withSecret() }))).toEqual(Array(30).fill(200));
    await tight.settle();
    expect(tight.bot.calls.filter((c) => c.method === 'sendMessage' && c.payload.chat_id === id)).toHaveLength(1);
  });

  it('one WhatsApp delivery with 30 messages from one person: 200 at once, one polite "wait", then silence', async () => {
    const from = phone();
    const wait = world.i18n.t('en')('rate.limited').split('\n')[0]!;
    const messages = Array.from({ length: 30 }, () => inboundMessage(from, 'interactive', { interactive: { type: 'button_reply', button_reply: { id: 'menu', title: 'Menu' } } }));
    const body = JSON.stringify(webhookPayload(messages));
    expectStatus(await send(tight.base, '/whatsapp/webhook', { body, headers: signed(body) }), 200);
    await tight.settle();
    const sent = tight.graph.requests.filter((r) => r.body.to === from).map((r) => JSON.stringify(r.body));
    expect(sent.filter((s) => s.includes(wait))).toHaveLength(1);
    expect(sent.at(-1)).toContain(wait);
    expect(sent.length).toBeLessThanOrEqual(LIMIT * 3 + 1);
  });
});

async function stillAliveAt(target: HostileApp): Promise<void> {
  const health = await send(target.base, '/healthz', { method: 'GET' });
  expect(health.status).toBe(200);
}
