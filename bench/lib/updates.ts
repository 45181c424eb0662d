// Update generators: distinct people, each going through a short script (a first message, a
// menu button, an offer, a greeting), many people at once, every update id and message id new.
import { callbackUpdate, textUpdate } from '../../test/helpers/fake-bot-api.js';
import { inboundMessage, sign, webhookPayload } from '../../test/helpers/fake-graph-api.js';
import { BUTTONS, GREETINGS, LANGS, OFFERS, type BenchLang } from './corpus.js';
import { PATHS, SECRETS } from './constants.js';

export type Channel = 'telegram' | 'whatsapp';
export type StepKind = 'start' | 'greeting' | 'button' | 'offer';

export interface Step {
  kind: StepKind;
  /** Text typed, or the button's callback data / reply id. */
  value: string;
}

export interface Script {
  id: number;
  lang: BenchLang;
  steps: Record<Channel, Step[]>;
}

/** 36 scripts: every language with both of its offers and every button. */
export const SCRIPTS: Script[] = Array.from({ length: 36 }, (_, id) => {
  const lang = LANGS[id % LANGS.length]!;
  const offer: Step = { kind: 'offer', value: OFFERS[lang][Math.floor(id / LANGS.length) % 2]! };
  const button: Step = { kind: 'button', value: BUTTONS[id % BUTTONS.length]! };
  const greeting: Step = { kind: 'greeting', value: GREETINGS[lang] };
  return {
    id,
    lang,
    steps: {
      telegram: [{ kind: 'start', value: '/start' }, button, offer, greeting],
      // WhatsApp has no /start: people open the chat by saying hello.
      whatsapp: [greeting, button, offer, greeting],
    },
  };
});
export const STEPS = 4;

/** One HTTP request to a webhook. */
export interface WebhookRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
}

let updateId = 1_000_000;
let userSeq = 0;

/** A person on a channel: the address the fake APIs see replies going to. */
export interface Person {
  channel: Channel;
  /** Telegram chat id or WhatsApp phone number, as a string. */
  address: string;
  script: Script;
}

/** Fresh people, never seen by the server in this process's lifetime. */
export function newPerson(channel: Channel, script?: Script): Person {
  const n = userSeq++;
  const s = script ?? SCRIPTS[n % SCRIPTS.length]!;
  return { channel, address: channel === 'telegram' ? String(7_000_000_000 + n) : String(5_215_500_000_000 + n), script: s };
}

const LOCALE: Record<BenchLang, string> = { es: 'es', en: 'en', pt: 'pt-br', fr: 'fr', ht: 'ht', zh: 'zh-hans', ru: 'ru', ar: 'ar', tr: 'tr' };

/** The webhook request for one step of one person's script, as Telegram or Meta would post it. */
export function requestFor(person: Person, step: Step): WebhookRequest {
  if (person.channel === 'telegram') {
    const chat = Number(person.address);
    const lang = LOCALE[person.script.lang];
    const update = step.kind === 'button' ? callbackUpdate(chat, step.value, lang, updateId++) : textUpdate(chat, step.value, lang, updateId++);
    return {
      path: PATHS.telegram,
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRETS.telegramWebhook },
      body: JSON.stringify(update),
    };
  }
  const message =
    step.kind === 'button'
      ? inboundMessage(person.address, 'interactive', { interactive: { type: 'button_reply', button_reply: { id: step.value, title: step.value } } })
      : inboundMessage(person.address, 'text', { text: { body: step.value } });
  const body = JSON.stringify(webhookPayload([message]));
  return {
    path: PATHS.whatsapp,
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(SECRETS.whatsappAppSecret, body) },
    body,
  };
}

export interface Planned {
  person: Person;
  step: number;
}

/**
 * The order updates are sent in: a steady mix of all four steps, each person's steps `window`
 * updates apart (per channel). Person p takes step s at slot p + s * window / 4, so after a short
 * ramp (the first `window` updates lean to first steps) every slot holds one step of each kind:
 * an offer every fourth update, never a stretch of offers only. `channels` are taken in turn
 * (the soak alternates Telegram and WhatsApp).
 */
export class Traffic {
  private count = 0;
  private state = new Map<Channel, { position: number; people: Map<number, Person> }>();
  private readonly gap: number;

  constructor(
    private readonly channels: readonly Channel[],
    window = 1000,
  ) {
    this.gap = Math.max(1, Math.round(window / STEPS));
  }

  next(): Planned {
    const channel = this.channels[this.count++ % this.channels.length]!;
    let st = this.state.get(channel);
    if (!st) {
      st = { position: 0, people: new Map() };
      this.state.set(channel, st);
    }
    for (;;) {
      const i = st.position++;
      const step = i % STEPS;
      const p = Math.floor(i / STEPS) - step * this.gap;
      if (p < 0) continue;
      let person = st.people.get(p);
      if (!person) {
        person = newPerson(channel);
        st.people.set(p, person);
      }
      if (step === STEPS - 1) st.people.delete(p);
      return { person, step };
    }
  }
}
