// What people send: offers of a few hundred characters in several languages, greetings, and
// the menu buttons they press. Made up for the benchmark; none of it is a real advert.

export const LANGS = ['es', 'en', 'pt', 'fr', 'ht', 'zh', 'ru', 'ar', 'tr'] as const;
export type BenchLang = (typeof LANGS)[number];

export const GREETINGS: Record<BenchLang, string> = {
  es: 'hola',
  en: 'hello',
  pt: 'oi',
  fr: 'bonjour',
  ht: 'bonjou',
  zh: '你好',
  ru: 'привет',
  ar: 'مرحبا',
  tr: 'merhaba',
};

/** Two per language: most read like smuggling or visa-fraud adverts, a few are harmless news. */
export const OFFERS: Record<BenchLang, [string, string]> = {
  es: [
    'Pase directo a USA 100% garantizado, sin caminar y sin riesgo. Salimos martes y viernes desde Monterrey y los dejamos en la puerta de su familiar en Houston. Aparta tu lugar con 500 dlls de anticipo, el resto al llegar. Cupo limitado, escríbeme por WhatsApp +52 1 656 555 0100 y pregunta por Don Beto.',
    'Ya llegamos a Houston con la tía, todo tranquilo gracias a Dios. El viaje fue largo pero estamos bien, los niños ya están en la escuela y mañana empiezo a trabajar en la obra. Te marco el domingo para platicar con calma, salúdame a todos allá en el rancho 😊',
  ],
  en: [
    'Safe passage to the US guaranteed, no walking, no checkpoints. We have contacts at the border and a lawyer who fixes the papers. 50% deposit to book your seat, the rest when you arrive. Seats are limited this month, DM me for details and prices, payment by Western Union or crypto only 🇺🇸',
    'Work visa to Canada in 30 days, no interview, 100% approval. Our agency has a special quota with the embassy. Send a copy of your passport and a fee of 1,200 USD to start the file today. Jobs in farms and hotels waiting, free accommodation and flights included for the first fifty people.',
  ],
  pt: [
    'Travessia garantida pro EUA pelo México, sem andar no deserto e sem perigo. Saída toda semana de Cancún com guia até a casa do seu parente. Entrada de 5 mil no PIX pra garantir a vaga, o resto quando chegar. Vagas limitadas, chama no zap agora e não perde essa chance.',
    'Visto de trabalho para Portugal aprovado em 15 dias, sem entrevista. Temos contato direto no consulado. Basta enviar passaporte e pagar a taxa de 800 euros adiantado por transferência. Emprego garantido em restaurante com moradia incluída, poucas vagas restantes.',
  ],
  fr: [
    'Passage garanti vers le Canada sans visa, nous avons des contacts à la frontière et à l’aéroport. Départ chaque semaine depuis Paris, hébergement compris. Acompte de 2000 euros pour réserver votre place, le reste à l’arrivée. Places limitées, contactez-nous vite sur WhatsApp, paiement en espèces uniquement.',
    'Bonne nouvelle pour les étudiants : la préfecture ouvre de nouveaux créneaux de rendez-vous en ligne la semaine prochaine. Les demandes de titre de séjour se font sur le site officiel et sont gratuites. Pensez à préparer votre passeport, un justificatif de domicile et vos photos.',
  ],
  ht: [
    'Vwayaj pou Miami chak semèn, nou garanti ou rive san pwoblèm, pa gen kontwòl. Nou gen moun nan lapolis ki ede nou. 1500 dola davans pou rezève plas ou, rès la lè ou rive. Plas yo limite, rele nou sou WhatsApp kounye a pou plis enfòmasyon sou vwayaj la.',
    'Nou bay viza travay pou Kanada nan 2 semèn san entèvyou, 100% asire. Ajans nou an gen kontak dirèk nan anbasad la. Voye kopi paspò ou ak 900 dola pou louvri dosye a jodi a. Travay nan faktori ak lojman gratis ap tann ou, pa rate chans sa a.',
  ],
  zh: [
    '走线美国，包过，不用走路，全程有人带路安全到达。每周从墨西哥城出发，专车接送到边境，有内部关系保证不被抓。先付一半定金，到了再付剩下的。名额有限，本周出发，私信我了解详情和价格，只收现金或者加密货币。',
    '加拿大工作签证三十天下签，免面试，百分之百通过。我们和使馆有特殊名额，只要发护照复印件并先交一千二百美元手续费就能办理。农场和酒店工作等着你，包吃包住还送机票，名额不多先到先得。',
  ],
  ru: [
    'Гарантированный переход в США через Мексику, без пешего пути и без риска. У нас свои люди на границе, адвокат оформит документы. Предоплата 50% за место, остальное по прибытии. Места ограничены, выезд каждую неделю, пишите в личку за подробностями и ценами, оплата только наличными.',
    'Рабочая виза в Польшу за 10 дней без собеседования, одобрение 100%. Наше агентство имеет прямой контакт в консульстве. Отправьте копию паспорта и оплатите сбор 700 евро заранее переводом. Работа на складе с жильём уже ждёт вас, осталось всего несколько мест.',
  ],
  ar: [
    'عبور مضمون إلى أوروبا بدون مشي وبدون خطر، لدينا معارف على الحدود وفي الميناء. الرحلة كل أسبوع من ليبيا مع مرافق حتى باب بيت أهلك. ادفع نصف المبلغ مقدماً لحجز مكانك والباقي عند الوصول. الأماكن محدودة، راسلنا على واتساب الآن للتفاصيل والأسعار.',
    'تأشيرة عمل إلى كندا خلال ثلاثين يوماً بدون مقابلة وبنسبة قبول مئة بالمئة. وكالتنا لها حصة خاصة في السفارة. أرسل صورة جواز السفر وادفع رسوم ألف ومئتي دولار مقدماً لفتح الملف اليوم. وظائف في المزارع والفنادق مع سكن مجاني بانتظارك.',
  ],
  tr: [
    'Avrupa’ya garantili geçiş, yürümek yok, kontrol yok. Sınırda tanıdıklarımız var, her hafta İzmir’den kalkıyoruz ve sizi akrabanızın kapısına kadar götürüyoruz. Yerinizi ayırtmak için 2000 euro peşin, kalanı varınca. Yerler sınırlı, detaylar ve fiyatlar için WhatsApp’tan hemen yazın.',
    'Almanya çalışma vizesi 20 günde, mülakatsız ve yüzde yüz onaylı. Ajansımızın konsoloslukta özel kontenjanı var. Pasaport fotokopinizi gönderin ve dosya açmak için 900 euro ücreti peşin ödeyin. Depoda ve otelde iş, ücretsiz konaklama ile sizi bekliyor.',
  ],
};

/** Menu buttons, as the callback data / button ids Faro's own keyboards carry. */
export const BUTTONS = ['check', 'help', 'privacy', 'language', 'menu', 'advice'] as const;
