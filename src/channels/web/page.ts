import type { Request } from 'express';
import type { Language } from '../../content/schemas.js';
import { RTL_LANGUAGES, type I18n } from '../../i18n.js';
import type { Asset } from './assets.js';

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** "es-MX" -> "es" when Faro speaks it. */
export function supported(tag: string | undefined, languages: readonly Language[]): Language | undefined {
  const base = tag?.trim().toLowerCase().split(/[-_]/)[0];
  return languages.find((l) => l === base);
}

/** The best language of an Accept-Language header Faro speaks, by q-value, e.g. "ar;q=0.9, en;q=0.5" -> "ar". */
export function fromAcceptLanguage(header: string | undefined, languages: readonly Language[]): Language | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(',')
    .slice(0, 30)
    .map((part, i) => {
      const [tag, ...params] = part.split(';');
      const q = params.map((p) => /^\s*q\s*=\s*([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { lang: supported(tag, languages), q: q === undefined ? 1 : Number(q), i };
    })
    .filter((c) => c.lang && c.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  return ranked[0]?.lang;
}

/** ?lang= first (the language switcher sets it), then the browser's languages, then English. */
export function pageLanguage(req: Request, languages: readonly Language[]): Language {
  const query = typeof req.query.lang === 'string' ? req.query.lang : undefined;
  return supported(query, languages) ?? fromAcceptLanguage(req.get('accept-language'), languages) ?? 'en';
}

export interface PageOptions {
  i18n: I18n;
  lang: Language;
  /** Where the router is mounted, '' for the root. */
  base: string;
  css: Asset;
  js: Asset;
  /** Pictures can be sent (POST /web/images), up to this many bytes. */
  images?: { maxBytes: number };
}

/**
 * The chat page: static labels in the reader's language, no inline script or style (the CSP
 * allows only 'self'), the conversation filled in by app.js.
 */
export function renderPage({ i18n, lang, base, css, js, images }: PageOptions): string {
  const t = i18n.t(lang);
  const l = (key: string) => escapeHtml(String(t(`web.${key}`)));
  const dir = RTL_LANGUAGES.has(lang) ? 'rtl' : 'ltr';
  const options = i18n.languages
    .map((code) => `<option value="${code}" lang="${code}"${code === lang ? ' selected' : ''}>${escapeHtml(i18n.nativeName(code))}</option>`)
    .join('');
  return `<!doctype html>
<html lang="${lang}" dir="${dir}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${l('title')}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${base}/web/app.css?v=${css.version}">
<script src="${base}/web/app.js?v=${js.version}" defer></script>
</head>
<body data-api="${base}/web/messages" data-you="${l('you')}" data-typing="${l('typing')}" data-offline="${l('offline')}" data-retry="${l('retry')}"${
    images
      ? ` data-images="${base}/web/images" data-max-image="${images.maxBytes}" data-photo-sent="${l('photo_sent')}" data-too-large="${escapeHtml(String(t('media.image_too_large')))}"`
      : ''
  }>
<header class="top">
<h1 class="brand">Faro</h1>
<form id="lang-form" class="lang" method="get" action="${base}/">
<label for="lang">${l('language')}</label>
<select id="lang" name="lang">${options}</select>
<button type="submit" class="btn">${l('change_language')}</button>
</form>
</header>
<main id="main">
<noscript><p class="note">${l('noscript')}</p></noscript>
<div id="log" class="log" role="log" aria-live="polite" aria-label="${l('conversation')}"></div>
<div id="status" class="typing" role="status"></div>
<div id="error" class="error" role="alert"></div>
<form id="composer" class="composer">
<label for="text" class="vh">${l('message_label')}</label>
<textarea id="text" name="text" rows="2" maxlength="20000" placeholder="${l('placeholder')}" enterkeyhint="send" autocomplete="off" spellcheck="false" dir="auto"></textarea>
<button type="submit" class="btn send">${l('send')}</button>
${images ? `<input type="file" id="photo" name="photo" accept="image/*" hidden>\n<button type="button" id="photo-button" class="btn photo">${l('photo')}</button>\n` : ''}</form>
</main>
<footer class="foot"><p>${l('footer')}</p></footer>
</body>
</html>
`;
}
