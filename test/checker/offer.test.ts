import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { normalizeText } from '../../src/checker/normalize.js';
import { compileOfferLexicon, extractOffer, OfferLexicon } from '../../src/checker/offer.js';
import type { Offer } from '../../src/checker/types.js';

const source = YAML.parse(readFileSync(new URL('../../content/offer.yaml', import.meta.url), 'utf8'));
const lexicon = compileOfferLexicon(OfferLexicon.parse(source));
/** The emoji this file relies on, as content/patterns/emoji.yaml maps them. */
const emoji = new Map([
  ['👣', ':walk:'],
  ['❌', ':no:'],
  ['💰', ':money:'],
  ['📲', ':phone:'],
]);

function extract(text: string): Offer {
  const offer = extractOffer(normalizeText(text, emoji), lexicon);
  for (const items of Object.values(offer)) {
    for (const item of items) expect(text.slice(item.start, item.end), `span of ${item.value}`).toBe(item.text);
  }
  return offer;
}

const prices = (text: string) => extract(text).prices.map(({ text: t, amount, currency, when }) => ({ text: t, amount, currency, when }));
const values = (items: Array<{ value: string }>) => items.map((i) => i.value);
const texts = (items: Array<{ text: string }>) => items.map((i) => i.text);

describe('content/offer.yaml', () => {
  it('is valid and large enough to be useful', () => {
    const lex = OfferLexicon.parse(source);
    expect(lex.places.length).toBeGreaterThanOrEqual(120);
    expect(new Set(lex.places.map((p) => p.kind))).toEqual(new Set(['city', 'crossing', 'route', 'region', 'country']));
    expect(lex.payment_methods.map((m) => m.id)).toContain('western_union');
  });

  it('tells an editor where a name is listed twice', () => {
    const twice = structuredClone(source);
    twice.places[1].aliases.push('EE.UU.');
    const result = OfferLexicon.safeParse(twice);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      [`places.1.aliases.${twice.places[1].aliases.length - 1}`, '"EE.UU." is already listed under "United States" in places'],
    ]);
  });

  it('tells an editor when two places share a name', () => {
    const twice = structuredClone(source);
    twice.places[2].name = twice.places[0].name;
    expect(OfferLexicon.safeParse(twice).error!.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['places.2.name', '"United States" is used twice'],
    ]);
  });

  it('rejects a number slot outside walking claims and departure times, and a misplaced *', () => {
    const bad = structuredClone(source);
    bad.price_cues.deposit = ['# de anticipo', 'pre*pago'];
    const messages = OfferLexicon.safeParse(bad).error!.issues.map((i) => i.message);
    expect(messages).toEqual([
      '"#" (any number) only works in walking_claims and departure.times',
      'a * goes only at the very end, after at least three letters, as in "предоплат*"',
    ]);
  });

  it('asks for ISO codes', () => {
    const bad = structuredClone(source);
    bad.places[0].country = 'USA';
    bad.currencies[0].code = 'usd';
    expect(OfferLexicon.safeParse(bad).error!.issues.map((i) => i.message)).toEqual([
      'a currency code is three capital letters, as in USD (ISO 4217)',
      'a country is two capital letters (ISO 3166), like MX',
    ]);
  });
});

describe('prices', () => {
  it('reads amounts and currencies written in many ways', () => {
    expect(prices('Cruce por Reynosa $5,500 dlls, o 3 mil dólares por el río')).toEqual([
      { text: '$5,500 dlls', amount: 5500, currency: 'USD', when: 'unknown' },
      { text: '3 mil dólares', amount: 3000, currency: 'USD', when: 'unknown' },
    ]);
    expect(prices('Te lo dejo en 2,800 verdes o 45 mil pesos')).toEqual([
      { text: '2,800 verdes', amount: 2800, currency: 'USD', when: 'unknown' },
      { text: '45 mil pesos', amount: 45000, currency: 'MXN', when: 'unknown' },
    ]);
    expect(prices('Bus to the border $480 MXN, the van US$ 950, the boat €1,300')).toEqual([
      { text: '$480 MXN', amount: 480, currency: 'MXN', when: 'unknown' },
      { text: 'US$ 950', amount: 950, currency: 'USD', when: 'unknown' },
      { text: '€1,300', amount: 1300, currency: 'EUR', when: 'unknown' },
    ]);
    expect(prices('Pacote R$ 25 mil ou 4.500 $ na mão')).toEqual([
      { text: 'R$ 25 mil', amount: 25000, currency: 'BRL', when: 'unknown' },
      { text: '4.500 $', amount: 4500, currency: 'USD', when: 'unknown' },
    ]);
    expect(prices('Traversée 1 800 € par adulte, 2 200$ avec le bateau rapide')).toEqual([
      { text: '1 800 €', amount: 1800, currency: 'EUR', when: 'unknown' },
      { text: '2 200$', amount: 2200, currency: 'USD', when: 'unknown' },
    ]);
    expect(prices('Bato a 1 500 dola pa moun')).toEqual([{ text: '1 500 dola', amount: 1500, currency: 'USD', when: 'unknown' }]);
    expect(prices('Almanya paketi 7.200 € veya 30 bin lira')).toEqual([
      { text: '7.200 €', amount: 7200, currency: 'EUR', when: 'unknown' },
      { text: '30 bin lira', amount: 30000, currency: 'TRY', when: 'unknown' },
    ]);
    expect(prices('Стоимость 2 700$ или 250 тыс. рублей')).toEqual([
      { text: '2 700$', amount: 2700, currency: 'USD', when: 'unknown' },
      { text: '250 тыс. рублей', amount: 250000, currency: 'RUB', when: 'unknown' },
    ]);
    expect(prices('全程3万美金，小孩两万五')).toEqual([
      { text: '3万美金', amount: 30000, currency: 'USD', when: 'unknown' },
      { text: '两万五', amount: 25000, currency: 'USD', when: 'unknown' },
    ]);
    expect(prices('الرحلة ٤٢٠٠ دولار للشخص')).toEqual([{ text: '٤٢٠٠ دولار', amount: 4200, currency: 'USD', when: 'unknown' }]);
  });

  it('handles multipliers, fullwidth digits and decimals', () => {
    expect(prices('VIP $18k, normal １２０００ dlls, tramite $12.50 o 12,50 €')).toEqual([
      { text: '$18k', amount: 18000, currency: 'USD', when: 'unknown' },
      { text: '１２０００ dlls', amount: 12000, currency: 'USD', when: 'unknown' },
      { text: '$12.50', amount: 12.5, currency: 'USD', when: 'unknown' },
      { text: '12,50 €', amount: 12.5, currency: 'EUR', when: 'unknown' },
    ]);
    expect(prices('还差2万3没给')).toEqual([{ text: '2万3', amount: 23000, currency: 'XXX', when: 'unknown' }]);
    expect(prices('Son 12 mil, ni uno menos')).toEqual([{ text: '12 mil', amount: 12000, currency: 'XXX', when: 'unknown' }]);
  });

  it('takes a bare number as money only next to a price word, and borrows the currency used nearby', () => {
    expect(prices('Son 900 por cabeza y 2,000 el paquete familiar, 6,500 dlls el VIP')).toEqual([
      { text: '900', amount: 900, currency: 'USD', when: 'unknown' },
      { text: '2,000', amount: 2000, currency: 'USD', when: 'unknown' },
      { text: '6,500 dlls', amount: 6500, currency: 'USD', when: 'unknown' },
    ]);
    expect(prices('Somos 900 personas en el grupo y llegamos en 2019')).toEqual([]);
    expect(prices('Aparta con mil y ya')).toEqual([{ text: 'mil', amount: 1000, currency: 'XXX', when: 'deposit' }]);
  });

  it('tells deposits from payment on arrival', () => {
    expect(prices('Total $9,000: $3,000 de anticipo y $6,000 al llegar a Houston')).toEqual([
      { text: '$9,000', amount: 9000, currency: 'USD', when: 'unknown' },
      { text: '$3,000', amount: 3000, currency: 'USD', when: 'deposit' },
      { text: '$6,000', amount: 6000, currency: 'USD', when: 'on_arrival' },
    ]);
    expect(prices('$8k total, $2k upfront via Zelle, the rest when you arrive')).toEqual([
      { text: '$8k', amount: 8000, currency: 'USD', when: 'unknown' },
      { text: '$2k', amount: 2000, currency: 'USD', when: 'deposit' },
    ]);
    expect(prices('Sinal de R$ 4 mil no PIX, o resto só paga quando chegar')).toEqual([
      { text: 'R$ 4 mil', amount: 4000, currency: 'BRL', when: 'deposit' },
    ]);
    expect(prices('Acompte 1 000 € par virement. 2 000 € à l’arrivée.')).toEqual([
      { text: '1 000 €', amount: 1000, currency: 'EUR', when: 'deposit' },
      { text: '2 000 €', amount: 2000, currency: 'EUR', when: 'on_arrival' },
    ]);
    expect(prices('Kapora 500 €, kalan 2.000 € varınca')).toEqual([
      { text: '500 €', amount: 500, currency: 'EUR', when: 'deposit' },
      { text: '2.000 €', amount: 2000, currency: 'EUR', when: 'on_arrival' },
    ]);
    expect(prices('Предоплата 800$, остальное 1 700$ по прибытии')).toEqual([
      { text: '800$', amount: 800, currency: 'USD', when: 'deposit' },
      { text: '1 700$', amount: 1700, currency: 'USD', when: 'on_arrival' },
    ]);
    expect(prices('定金3000，到了再付一万')).toEqual([
      { text: '3000', amount: 3000, currency: 'XXX', when: 'deposit' },
      { text: '一万', amount: 10000, currency: 'XXX', when: 'on_arrival' },
    ]);
    expect(prices('عربون ١٠٠٠ يورو والباقي ٣٠٠٠ يورو عند الوصول')).toEqual([
      { text: '١٠٠٠ يورو', amount: 1000, currency: 'EUR', when: 'deposit' },
      { text: '٣٠٠٠ يورو', amount: 3000, currency: 'EUR', when: 'on_arrival' },
    ]);
    expect(prices('Depo 700 dola davans, rès la lè w rive Miami')).toEqual([
      { text: '700 dola', amount: 700, currency: 'USD', when: 'deposit' },
    ]);
  });
});

describe('phones', () => {
  it('reads international and local formats as digits', () => {
    const offer = extract('Whats +52 1 899 555 0143 o (210) 555-0188, en Monterrey 81 5555 0176, Türkiye +90 541 555 02 19');
    expect(values(offer.phones)).toEqual(['+5218995550143', '2105550188', '8155550176', '+905415550219']);
    expect(values(extract('Zap +55 21 9 5555-0177').phones)).toEqual(['+5521955550177']);
    expect(values(extract('+1(786)555-0123').phones)).toEqual(['+17865550123']);
  });

  it('does not take prices, years, dates, times or short numbers for phones', () => {
    const offer = extract('Salida 12.05.2025 a las 7:10, pago 15 000 000 pesos, llegamos 2023-2024, somos 12 345 personas, cuarto 1203');
    expect(offer.phones).toEqual([]);
    expect(texts(offer.prices)).toEqual(['15 000 000 pesos']);
  });

  it('reads digits written as keycap emoji', () => {
    const offer = extract('Llama al 5️⃣5️⃣5️⃣0️⃣1️⃣4️⃣2️⃣7️⃣8️⃣');
    expect(values(offer.phones)).toEqual(['555014278']);
  });
});

describe('links and handles', () => {
  it('finds links, short links and messenger links', () => {
    const offer = extract('Info en https://Viajes-Norte.com/Promo?id=7. Grupo t.me/cruces_usa, wa.me/5215550142 o bit.ly/Cruce2 y viajesseguros.com.mx');
    expect(values(offer.links)).toEqual([
      'https://viajes-norte.com/promo?id=7',
      't.me/cruces_usa',
      'wa.me/5215550142',
      'bit.ly/cruce2',
      'viajesseguros.com.mx',
    ]);
    expect(offer.phones).toEqual([]);
  });

  it('finds @handles but not e-mail addresses', () => {
    const offer = extract('Escríbeme a @Coyote_Norte o @el.guero, correo guero@gmail.com o @gmail.com, también Inst@gram');
    expect(values(offer.handles)).toEqual(['@coyote_norte', '@el.guero']);
    expect(offer.links).toEqual([]);
  });

  it('does not read words run together after a full stop as links', () => {
    expect(extract('Ya.me voy, nos vemos.Mañana salimos').links).toEqual([]);
  });
});

describe('payment methods', () => {
  it('names the channel in any language', () => {
    const offer = extract('Manda por Western Union, MoneyGram o Elektra; también Zelle, Cash App y BTC. Nada de efectivo.');
    expect(values(offer.payment_methods)).toEqual(['western_union', 'moneygram', 'elektra', 'zelle', 'cash_app', 'bitcoin', 'cash']);
    expect(values(extract('Kaparo Papara ya da havale ile, USDT de olur').payment_methods)).toEqual(['papara', 'bank_transfer', 'usdt']);
    expect(values(extract('Оплата переводом на карту Сбербанка или криптовалютой').payment_methods)).toEqual([
      'bank_transfer',
      'sberbank',
      'crypto',
    ]);
    expect(values(extract('用支付宝或微信支付，也可以银行转账').payment_methods)).toEqual(['alipay', 'wechat_pay', 'bank_transfer']);
    expect(values(extract('الدفع بالعملات الرقمية أو حوالة').payment_methods)).toEqual(['crypto', 'hawala']);
    expect(values(extract('Voye lajan an sou MonCash').payment_methods)).toEqual(['moncash']);
  });

  it('needs capitals for names that are also words', () => {
    expect(values(extract('Mándalo por WU hoy').payment_methods)).toEqual(['western_union']);
    expect(extract('wu').payment_methods).toEqual([]);
  });
});

describe('places', () => {
  it('finds crossings and cities by name and alias', () => {
    const offer = extract('Salimos de Tapachula, pasamos por CDMX y cruzamos de Piedras Negras a Eagle Pass o por Cd. Juárez');
    expect(values(offer.places)).toEqual(['Tapachula', 'Mexico City', 'Piedras Negras', 'Eagle Pass', 'Ciudad Juárez']);
    expect(texts(offer.places)).toEqual(['Tapachula', 'CDMX', 'Piedras Negras', 'Eagle Pass', 'Cd. Juárez']);
  });

  it('reads names in the nine languages', () => {
    expect(values(extract('Necoclí → Capurganá → el Darién → Bajo Chiquito').places)).toEqual(['Necoclí', 'Capurganá', 'Darién', 'Bajo Chiquito']);
    expect(values(extract('De Zuwara para Lampedusa, depois Sicília').places)).toEqual(['Zuwara', 'Lampedusa', 'Sicily']);
    expect(values(extract('Passage de Calais ou Dunkerque vers Douvres').places)).toEqual(['Calais', 'Dunkirk', 'Dover']);
    expect(values(extract('Bato soti Pòdepè pou Turks and Caicos').places)).toEqual(['Port-de-Paix', 'Turks and Caicos']);
    expect(values(extract("İzmir'den Midilli'ye, Meriç'ten Yunanistan'a").places)).toEqual(['Izmir', 'Lesbos', 'Evros', 'Greece']);
    expect(values(extract('Через Ливию в Италию, потом в Германию').places)).toEqual(['Libya', 'Italy', 'Germany']);
    expect(values(extract('从厄瓜多尔到墨西哥，再进美国').places)).toEqual(['Ecuador', 'Mexico', 'United States']);
    expect(values(extract('من السودان لليبيا ثم إلى لامبيدوزا').places)).toEqual(['Sudan', 'Libya', 'Lampedusa']);
    expect(values(extract('Viajes a EE.UU. y Estados Unidos, ABD, США, الولايات المتحدة').places)).toEqual(['United States']);
  });

  it('takes the longest name and respects word boundaries', () => {
    expect(values(extract('De Nuevo Laredo a Laredo, luego San Luis Potosí').places)).toEqual(['Nuevo Laredo', 'Laredo', 'San Luis Potosí']);
    expect(extract('Los tijuanenses y la nogalera').places).toEqual([]);
  });

  it('counts capitals-only names only in capitals, and flags as countries', () => {
    expect(values(extract('Directo a USA 🇺🇸').places)).toEqual(['United States']);
    expect(texts(extract('Directo a USA 🇺🇸').places)).toEqual(['USA']);
    expect(extract('Usa este número y no usa el otro').places).toEqual([]);
    expect(values(extract('🇲🇽 ➡️ 🇺🇸').places)).toEqual(['Mexico', 'United States']);
  });
});

describe('walking claims', () => {
  it('finds "no walking" claims', () => {
    const claims = (text: string) => extract(text).walking_claims.map((c) => [c.text, c.value]);
    expect(claims('Pase por garita, sin caminar nada')).toEqual([['sin caminar', 'no_walking']]);
    expect(claims('Direct ride, NO WALKING')).toEqual([['NO WALKING', 'no_walking']]);
    expect(claims('Direto pra fronteira, sem andar')).toEqual([['sem andar', 'no_walking']]);
    expect(claims('Nou pase w san mache')).toEqual([['san mache', 'no_walking']]);
    expect(claims('TIR ile, yürüme yok')).toEqual([['yürüme yok', 'no_walking']]);
    expect(claims('На машине, пешком не идём')).toEqual([['пешком не', 'no_walking']]);
    expect(claims('坐车过去，不用走路')).toEqual([['不用走路', 'no_walking']]);
    // One item per claim: the first words that make it.
    expect(claims('全程坐车，不用走路')).toEqual([['全程坐车', 'no_walking']]);
    expect(claims('بالسيارة بدون مشي')).toEqual([['بدون مشي', 'no_walking']]);
    expect(claims('👣❌ directo')).toEqual([['👣❌', 'no_walking']]);
  });

  it('finds "short walk" claims, with numbers in digits or words', () => {
    const claims = (text: string) => extract(text).walking_claims.map((c) => [c.text, c.value]);
    expect(claims('Son solo 3 horas caminando')).toEqual([['solo 3 horas caminando', 'short_walk']]);
    expect(claims('solo dos horas caminando y ya')).toEqual([['solo dos horas caminando', 'short_walk']]);
    expect(claims('only one night in the forest, then a car')).toEqual([['only one night in the forest', 'short_walk']]);
    expect(claims('Переход за одну ночь')).toEqual([['Переход за одну ночь', 'short_walk']]);
    expect(claims('森林只走两晚')).toEqual([['森林只走两晚', 'short_walk']]);
  });
});

describe('departure', () => {
  const departure = (text: string) => values(extract(text).departure);

  it('reads times next to a leaving word', () => {
    expect(departure('Salimos lunes y jueves de Reynosa')).toEqual(['salimos lunes y jueves']);
    expect(departure('The van leaves tomorrow at dawn')).toEqual(['leaves tomorrow at dawn']);
    expect(departure('Sai todo mês um grupo')).toEqual(['sai todo mes']);
    expect(departure('On part le 18 de Conakry')).toEqual(['on part le 18']);
    expect(departure('Nou pati madi swa')).toEqual(['nou pati madi swa']);
    expect(departure('Bu cuma çıkıyoruz')).toEqual(['cuma cikiyoruz']);
    expect(departure('Выезд в субботу утром')).toEqual(['выезд в субботу']);
    expect(departure('周六出发')).toEqual(['周六出发']);
    expect(departure('الانطلاق يوم الخميس')).toEqual(['الانطلاق يوم الخميس']);
  });

  it('takes repeating days on their own, and a time standing alone in an ad', () => {
    expect(departure('Crossings every Tue & Sat, ask me')).toEqual(['crossings every tue & sat']);
    expect(departure('Cruces todos los miércoles')).toEqual(['cruces todos los miercoles']);
    expect(departure('Sábado, 2 500 dola, plas limite')).toEqual(['sabado']);
  });

  it('leaves out deadlines and plans that are not departures', () => {
    expect(departure('Paga antes del viernes o te quedas')).toEqual([]);
    expect(departure('Mañana te marco, hoy no puedo')).toEqual([]);
    expect(departure('Sábado, nos vemos en la fiesta')).toEqual([]);
  });
});

describe('extractOffer', () => {
  it('keeps spans in the original text even when the text is obfuscated', () => {
    const text = 'C0Y0TE 💰 S a n D i e g o ✅ Z.E.L.L.E 📲 +1 619 555 0142, $ 4,2OO';
    const offer = extract(text);
    expect(offer.places.map((p) => [p.text, p.value])).toEqual([['S a n D i e g o', 'San Diego']]);
    expect(offer.payment_methods.map((p) => [p.text, p.value])).toEqual([['Z.E.L.L.E', 'zelle']]);
    expect(offer.phones.map((p) => [p.text, p.value])).toEqual([['+1 619 555 0142', '+16195550142']]);
  });

  it('puts a whole ad together', () => {
    const text =
      'VIAJES SEMANALES Tapachula ➡️ Tijuana, sin caminar. $6,500 dlls: $2,000 de anticipo por Elektra y el resto al llegar. ' +
      'Salimos los viernes. WhatsApp +52 1 962 555 0161 o @viajes_frontera';
    const offer = extract(text);
    expect(offer.prices.map((p) => [p.text, p.when])).toEqual([
      ['$6,500 dlls', 'unknown'],
      ['$2,000', 'deposit'],
    ]);
    expect(values(offer.payment_methods)).toEqual(['elektra']);
    expect(values(offer.phones)).toEqual(['+5219625550161']);
    expect(values(offer.handles)).toEqual(['@viajes_frontera']);
    expect(values(offer.places)).toEqual(['Tapachula', 'Tijuana']);
    expect(values(offer.walking_claims)).toEqual(['no_walking']);
    expect(values(offer.departure)).toEqual(['viajes semanales', 'salimos los viernes']);
  });

  it('finds nothing in a text with nothing', () => {
    expect(extract('Hola, ¿cómo estás? Aquí todo bien, gracias a Dios.')).toEqual({
      prices: [],
      payment_methods: [],
      phones: [],
      links: [],
      handles: [],
      places: [],
      walking_claims: [],
      departure: [],
    });
    expect(extract('')).toEqual(extract('   '));
  });

  it('stays linear on long hostile input', () => {
    for (const unit of ['1 000 ', 'предоплатаа', 'el 1 ', '$1 ', 'a.', '一万五']) {
      const norm = normalizeText(unit.repeat(Math.ceil(8000 / unit.length)).slice(0, 8000));
      const before = process.cpuUsage();
      extractOffer(norm, lexicon);
      const used = process.cpuUsage(before);
      expect((used.user + used.system) / 1000, unit).toBeLessThan(250);
    }
  });
});
