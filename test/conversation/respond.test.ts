import { beforeAll, describe, expect, it } from 'vitest';
import { formatDate } from '../../src/conversation/deps.js';
import { respond } from '../../src/conversation/respond.js';
import type { Action, Inbound, Reply, Session } from '../../src/conversation/types.js';
import { buttonLabels, loadWorld, plain, type TestWorld } from '../helpers/conversation.js';

let world: TestWorld;
beforeAll(async () => {
  world = await loadWorld();
}, 120_000);

const OFFER_EN =
  'VIP crossing to USA 100% guaranteed, no walking. Send a $500 deposit by Western Union to reserve your place, last places! Write to me on WhatsApp +52 664 123 4567';
const OFFER_ES = 'Pase directo a USA, 100% seguro sin caminar. Anticipo de 2000 dólares por Elektra, últimos lugares. Escríbeme al WhatsApp';

/** Plays a dialogue: each step's session feeds the next, as the service does. */
function dialogue(localeHint?: string) {
  let session: Session | undefined;
  let last: ReturnType<typeof respond> | undefined;
  const send = (fields: Omit<Inbound, 'channel' | 'userKey'>) => {
    last = respond(world.deps, session, { channel: 'web', userKey: 'k', ...(localeHint ? { localeHint } : {}), ...fields });
    if (last.session) session = last.session;
    return last;
  };
  return {
    say: (text: string) => send({ text }),
    press: (action: Action) => send({ action }),
    media: (media: Inbound['media'], text?: string) => send({ media, ...(text ? { text } : {}) }),
    get session() {
      return session;
    },
  };
}

const first = (r: { replies: Reply[] }) => r.replies[0];

describe('first contact', () => {
  it('a Spanish phone gets a neutral welcome and the main menu in Spanish', () => {
    const turn = dialogue('es-MX').press({ kind: 'start' });
    const text = plain(first(turn));
    expect(text).toContain(world.i18n.t('es')('welcome'));
    expect(buttonLabels(first(turn))).toEqual(
      ['menu.check', 'menu.advice', 'menu.legal', 'menu.emergency', 'menu.language', 'menu.privacy'].map((k) => world.i18n.t('es')(k)),
    );
    // Someone may look over the person's shoulder: the first words must not name smuggling.
    expect(text.toLowerCase()).not.toMatch(/smuggl|coyote|pollero|tráfico|trafic|cruce|frontera|border/);
    expect(turn.session?.language).toBe('es');
    expect(turn.events).toContainEqual({ metric: 'start', value: '' });
  });

  it('a deep link with a partner code sets partner, language and place', () => {
    const turn = dialogue('en').press({ kind: 'start', payload: 'casaprueba_tj' });
    expect(turn.session).toMatchObject({ partner: 'casa-prueba', language: 'es', country: 'MX', area: 'tijuana' });
    expect(turn.events).toContainEqual({ metric: 'start', value: 'casa-prueba' });
    expect(plain(first(turn))).toContain(world.i18n.t('es')('menu.title'));
  });

  it('an unknown or inactive partner code falls back to the defaults', () => {
    for (const payload of ['nosuchcode', 'oldcode']) {
      const turn = dialogue('tr').press({ kind: 'start', payload });
      expect(turn.session).toMatchObject({ partner: null, language: 'tr', country: null });
    }
  });

  it('a language code in the link chooses the language', () => {
    expect(dialogue('en').press({ kind: 'start', payload: 'ar' }).session?.language).toBe('ar');
  });

  it('with no hint, an offer in Portuguese makes Portuguese the language', () => {
    const turn = dialogue().say('Travessia garantida para os Estados Unidos, pague metade agora e metade na chegada. Chama no zap.');
    expect(turn.session?.language).toBe('pt');
  });
});

describe('checking an offer', () => {
  it('names each warning sign, quotes the text, lists details, questions and 2-4 next steps', () => {
    const turn = dialogue('en').say(OFFER_EN);
    const reply = first(turn)!;
    const text = plain(reply);
    const t = world.i18n.t('en');
    expect(text).toContain(t('check.risk_high'));
    for (const flag of ['guarantee', 'advance_payment', 'off_platform_contact', 'urgency']) expect(text).toContain(t(`flags:${flag}.name`));
    const quotes = reply.parts.filter((p) => p.style === 'quote').map((p) => p.text);
    expect(quotes).toContain('100% guaranteed');
    for (const q of quotes) expect(OFFER_EN).toContain(q);
    expect(text).toContain(t('check.offer_deposit', { value: '$500' }));
    expect(text).toContain('Western Union');
    expect(text).toContain(t('check.q_money'));
    const steps = text.split(t('check.steps_title'))[1]!.split(t('check.feedback_ask'))[0]!.trim().split('\n');
    expect(steps.length).toBeGreaterThanOrEqual(2);
    expect(steps.length).toBeLessThanOrEqual(4);
    expect(steps[0]).toBe(`• ${world.content.library.page('no-guarantee', 'en')!.summary}`);
    const actions = (reply.buttons ?? []).flat().map((b) => ('action' in b ? b.action.kind : 'url'));
    expect(actions).toEqual(['legal', 'sign', 'check', 'report', 'feedback', 'feedback', 'menu', 'emergency']);
    expect(turn.events).toEqual(
      expect.arrayContaining([
        { metric: 'check', value: 'high' },
        { metric: 'flag', value: 'advance_payment' },
        { metric: 'place', value: expect.any(String) },
      ]),
    );
  });

  it('answers in Spanish with the Spanish advice', () => {
    const turn = dialogue('es').say(OFFER_ES);
    const text = plain(first(turn));
    expect(text).toContain(world.i18n.t('es')('check.risk_high'));
    expect(text).toContain(world.i18n.t('es')('flags:advance_payment.name'));
    expect(text).toContain(world.content.library.page('no-advance-payment', 'es')!.summary);
  });

  it('a message with no known signs is "no signs found", never "safe", and still warns', () => {
    const turn = dialogue('en').say('We sell fresh bread and coffee every morning near the bus station, come visit us.');
    const text = plain(first(turn));
    const t = world.i18n.t('en');
    expect(text).toContain(t('check.risk_low'));
    expect(text).toContain(t('check.low_why'));
    // "safe" may appear only in a sentence that denies it ("That does not mean it is safe").
    for (const sentence of text.split(/[.!?\n]/).filter((x) => /\bsafe\b/i.test(x))) {
      expect(sentence).toMatch(/\b(not|no|never|nobody|no one|cannot|can't)\b/i);
    }
    expect(turn.events).toContainEqual({ metric: 'check', value: 'low' });
  });

  it('several merged messages are announced as read together', () => {
    const turn = respond(world.deps, undefined, { channel: 'web', userKey: 'k', localeHint: 'en', text: OFFER_EN, merged: 3 });
    expect(plain(first(turn))).toContain(world.i18n.t('en')('check.merged', { count: 3 }));
  });

  it('a short text that is a warning sign on its own is still checked', () => {
    const turn = dialogue('es').say('pase directo');
    expect(turn.events).toContainEqual({ metric: 'check', value: expect.any(String) });
  });

  it('"more about the main sign" explains it with the matching advice page', () => {
    const d = dialogue('en');
    d.say(OFFER_EN);
    const turn = d.press({ kind: 'sign', flag: 'advance_payment' });
    const text = plain(first(turn));
    expect(text).toContain(world.i18n.t('en')('flags:advance_payment.why'));
    expect(text).toContain(world.content.library.page('no-advance-payment', 'en')!.title);
  });

  it('feedback is counted and thanked', () => {
    const turn = dialogue('fr').press({ kind: 'feedback', value: 'wrong' });
    expect(turn.events).toEqual([{ metric: 'feedback', value: 'wrong' }]);
    expect(plain(first(turn))).toBe(world.i18n.t('fr')('check.feedback_thanks'));
  });

  it('"how to report this ad" shows the reporting advice', () => {
    const text = plain(first(dialogue('en').press({ kind: 'report' })));
    expect(text).toContain(world.content.library.page('report-an-ad', 'en')!.title);
  });
});

describe('texts that are not offers', () => {
  it('a greeting gets the menu, not a check', () => {
    const turn = dialogue('es').say('hola');
    expect(turn.events).toEqual([]);
    expect(plain(first(turn))).toContain(world.i18n.t('es')('menu.title'));
  });

  it('a question gets a short explanation of how to use Faro', () => {
    for (const q of ['is this real?', '¿es real?']) {
      const turn = dialogue('en').say(q);
      expect(plain(first(turn))).toBe(world.i18n.t('en')('help.how'));
    }
  });

  it('a photo with a caption checks the caption; without text it explains what Faro can read', () => {
    const captioned = dialogue('en').media('photo', OFFER_EN);
    expect(captioned.events).toContainEqual({ metric: 'check', value: 'high' });
    const bare = dialogue('en').media('voice');
    expect(plain(first(bare))).toBe(world.i18n.t('en')('media.no_text'));
    expect(bare.events).toEqual([{ metric: 'media', value: 'voice' }]);
  });
});

describe('region, legal help and emergency', () => {
  it('legal help asks the country, then the city, then lists referrals with how to reach them and the date checked', () => {
    const d = dialogue('es');
    const ask = d.press({ kind: 'legal' });
    expect(plain(first(ask))).toContain(world.i18n.t('es')('region.ask_country'));
    expect((first(ask)!.buttons ?? []).flat().map((b) => ('action' in b ? b.action : null))).toContainEqual({ kind: 'country', country: 'MX' });
    const area = d.press({ kind: 'country', country: 'MX' });
    expect(plain(first(area))).toContain(world.i18n.t('es')('region.ask_area'));
    expect(buttonLabels(first(area))).toContain('Tijuana');
    const list = d.press({ kind: 'area', area: 'tijuana' });
    const text = plain(first(list));
    expect(d.session).toMatchObject({ country: 'MX', area: 'tijuana' });
    expect(text).toContain('Tijuana, México');
    const shown = world.content.library.referralsFor({ country: 'MX', area: 'tijuana' }, ['legal_aid', 'shelter', 'un_agency'], 'es');
    expect(shown.length).toBeGreaterThan(0);
    expect(text).toContain(shown[0]!.name);
    expect(text).toContain(world.i18n.t('es')('legal.verified', { date: formatDate('es', shown[0]!.verified) }));
  });

  it('typing a cry for help in any language opens the emergency screen', () => {
    for (const [word, hint] of [['ayuda', 'es'], ['socorro', 'pt'], ['help', 'en'], ['помогите', 'ru'], ['مساعدة', 'ar'], ['救命', 'zh'], ['yardım', 'tr'], ['IMDAT', 'tr'], ['èd', 'ht']] as const) {
      const turn = dialogue(hint).say(word);
      expect(plain(first(turn)), word).toContain(world.i18n.t(hint)('emergency.no_country').split('\n')[0]);
    }
  });

  it('a question that ends in a help word is not a cry for help', () => {
    const turn = dialogue('es').say('¿De dónde sos?');
    expect(plain(first(turn))).toBe(world.i18n.t('es')('help.how'));
  });

  it('emergency is one tap away on every screen', () => {
    const d = dialogue('en');
    const screens: Action[] = [{ kind: 'check' }, { kind: 'advice' }, { kind: 'topic', id: 'no-guarantee' }, { kind: 'privacy' }, { kind: 'language' }, { kind: 'legal' }, { kind: 'feedback', value: 'useful' }];
    for (const action of screens) {
      const kinds = (first(d.press(action))!.buttons ?? []).flat().map((b) => ('action' in b ? b.action.kind : ''));
      expect(kinds, action.kind).toContain('emergency');
    }
    expect((first(d.say(OFFER_EN))!.buttons ?? []).flat().map((b) => ('action' in b ? b.action.kind : ''))).toContain('emergency');
  });

  it('emergency with a known country shows its numbers and what to do about kidnapping', () => {
    const d = dialogue('en');
    d.press({ kind: 'emergency' });
    d.press({ kind: 'country', country: 'US' });
    const screen = d.press({ kind: 'area', area: null });
    const text = plain(first(screen));
    expect(text).toContain('911');
    expect(text).toContain(world.content.library.page('kidnapping-and-extortion', 'en')!.summary);
  });

  it('a country without contacts says so kindly', () => {
    const turn = dialogue('fr').press({ kind: 'country', country: '' });
    expect(plain(first(turn))).toBe(world.i18n.t('fr')('region.unknown'));
  });
});

describe('language and privacy', () => {
  it('the picker offers all nine languages; Arabic replies are right-to-left', () => {
    const d = dialogue('en');
    expect(buttonLabels(first(d.press({ kind: 'language' })))).toEqual(expect.arrayContaining(['Español', 'English', 'العربية', '中文', 'Kreyòl ayisyen']));
    const turn = d.press({ kind: 'set_language', lang: 'ar' });
    expect(first(turn)).toMatchObject({ lang: 'ar', dir: 'rtl' });
    expect(plain(first(turn))).toContain(world.i18n.t('ar')('language.set'));
  });

  it('privacy explains what is kept; forgetting returns no session and advice on deleting the chat', () => {
    const d = dialogue('es');
    expect(plain(first(d.press({ kind: 'privacy' })))).toContain(world.i18n.t('es')('privacy.text', { days: 30 }));
    const turn = d.press({ kind: 'forget' });
    expect(turn.session).toBeNull();
    expect(plain(first(turn))).toContain(world.i18n.t('es')('privacy.chat_advice'));
  });
});
