import type { Partner } from '../content/partners.js';

export interface LinkSettings {
  /** The Telegram bot's @name, with or without the @. */
  botUsername?: string;
  /** The public WhatsApp number; anything but digits is dropped ("+1 555-123" -> "1555123"). */
  whatsappNumber?: string;
  /** Where the web chat is, e.g. https://faro.example.org; a trailing "/" is fine. */
  publicUrl?: string;
}

export interface PartnerLinks {
  telegram?: string;
  whatsapp?: string;
  web?: string;
}

export const CHANNELS = ['telegram', 'whatsapp', 'web'] as const;
export type Channel = (typeof CHANNELS)[number];

/**
 * The deep links that start a conversation with the partner's code; a channel whose setting is
 * missing gets no link.
 *
 * @example
 * partnerLinks(partner, { botUsername: 'faro_bot', whatsappNumber: '+1 555 123 4567' })
 * // { telegram: 'https://t.me/faro_bot?start=casanorte_tj', whatsapp: 'https://wa.me/15551234567?text=casanorte_tj' }
 */
export function partnerLinks(partner: Pick<Partner, 'code'>, settings: LinkSettings): PartnerLinks {
  const code = encodeURIComponent(partner.code);
  const links: PartnerLinks = {};
  const bot = settings.botUsername?.trim().replace(/^@/, '');
  if (bot) links.telegram = `https://t.me/${bot}?start=${code}`;
  const digits = settings.whatsappNumber?.replace(/\D/g, '');
  if (digits) links.whatsapp = `https://wa.me/${digits}?text=${code}`;
  const base = settings.publicUrl?.trim().replace(/\/+$/, '');
  if (base) links.web = `${base}/?start=${code}`;
  return links;
}
