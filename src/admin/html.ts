/** Escapes text for HTML and SVG, in content and in double-quoted attributes. */
export function esc(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const languageNames = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' });

/** "es" -> "Spanish (es)"; '' -> "Unknown". */
export function languageName(code: string): string {
  if (!code) return 'Unknown';
  let name: string | undefined;
  try {
    name = languageNames.of(code);
  } catch {
    name = undefined;
  }
  return name && name !== code ? `${name} (${code})` : code;
}

const CHANNELS: Record<string, string> = { telegram: 'Telegram', whatsapp: 'WhatsApp', web: 'Web chat', cli: 'Command line', api: 'API' };

export const channelName = (id: string): string => CHANNELS[id] ?? (id || 'Unknown');

/** "advance_payment" -> "Advance payment", for when no label is given. */
export const humanize = (id: string): string => {
  const words = id.replace(/[_-]+/g, ' ').trim();
  return words ? words[0]!.toUpperCase() + words.slice(1) : 'Unknown';
};
