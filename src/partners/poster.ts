import { Resvg } from '@resvg/resvg-js';
import QRCode from 'qrcode';
import type { Partner } from '../content/partners.js';
import type { Language } from '../content/schemas.js';
import { RTL_LANGUAGES, type TFunction } from '../i18n.js';
import { FAMILY, fontFamilyFor, posterFontFiles } from './fonts.js';
import { CHANNELS, type Channel, type PartnerLinks } from './links.js';
import { emWidth, escapeXml, wrapBalanced, wrapUrl } from './text-layout.js';

export interface PosterInput {
  partner: Pick<Partner, 'name'>;
  links: PartnerLinks;
  /** Translator fixed to `lang`. */
  t: TFunction;
  /** The poster's language, normally the partner's. */
  lang: Language;
  /** Resolution of the PNG; 300 prints sharply. */
  dpi?: number;
}

export interface Poster {
  svg: string;
  png: Buffer;
}

// One user unit is 0.1 mm of an A4 sheet.
const W = 2100;
const H = 2970;
const MARGIN = 160;
const INNER = W - 2 * MARGIN;
const QUIET_ZONE = 4;
const MAX_QR = { 1: 1100, 2: 760, 3: 620 } as const;

interface TextOptions {
  id?: string;
  size: number;
  bold?: boolean;
  dir: 'ltr' | 'rtl';
  lang: string;
  family?: string;
}

/** Centred lines, one tspan each, first baseline at `y`. */
function textBlock(lines: string[], cx: number, y: number, o: TextOptions): string {
  const family = o.family ?? fontFamilyFor(lines.join(' '));
  const tspans = lines.map((l, i) => `<tspan x="${cx}" y="${Math.round(y + i * o.size * 1.3)}">${escapeXml(l)}</tspan>`).join('');
  return (
    `<text${o.id ? ` id="${o.id}"` : ''} font-family="${escapeXml(family)}" font-size="${o.size}" font-weight="${o.bold ? 700 : 400}" ` +
    `fill="#000" text-anchor="middle" direction="${o.dir}" xml:lang="${o.lang}">${tspans}</text>`
  );
}

const blockHeight = (lines: number, size: number) => size * (1 + (lines - 1) * 1.3);

/** The largest size, from `max` down to `min`, at which the text fits in `maxLines` lines. */
function fit(text: string, width: number, lang: string, max: number, min: number, maxLines: number, bold = true) {
  let size = max;
  let lines = wrapBalanced(text, width / size, lang, bold);
  while (size > min && (lines.length > maxLines || lines.some((l) => emWidth(l, bold) * size > width))) {
    size = Math.max(min, Math.round(size * 0.92));
    lines = wrapBalanced(text, width / size, lang, bold);
  }
  return { size, lines };
}

/** A QR code as one path of dark modules, quiet zone included, in a `size` square at (x, y). */
function qrCode(channel: Channel, url: string, x: number, y: number, size: number): string {
  const { modules } = QRCode.create(url, { errorCorrectionLevel: 'Q' });
  const n = modules.size;
  const unit = size / (n + 2 * QUIET_ZONE);
  let d = '';
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; ) {
      if (!modules.get(row, col)) {
        col++;
        continue;
      }
      let run = 1;
      while (col + run < n && modules.get(row, col + run)) run++;
      d += `M${col + QUIET_ZONE} ${row + QUIET_ZONE}h${run}v1h-${run}z`;
      col += run;
    }
  }
  return (
    `<g class="qr" data-channel="${channel}" data-x="${x}" data-y="${y}" data-size="${size}">` +
    `<rect x="${x}" y="${y}" width="${size}" height="${size}" fill="#fff"/>` +
    `<path transform="translate(${x} ${y}) scale(${unit})" d="${d}" fill="#000" shape-rendering="crispEdges"/></g>`
  );
}

interface Area {
  top: number;
  height: number;
}
type Style = Pick<TextOptions, 'dir' | 'lang'>;
const LINK_FONT = `'${FAMILY.latin}', sans-serif`;

/** One link: the code in the middle of the area, its label and link under it. */
function singleCode(channel: Channel, links: PartnerLinks, t: TFunction, area: Area, style: Style): string[] {
  const url = links[channel]!;
  const label = fit(t(`poster.${channel}`), INNER, style.lang, 96, 56, 2);
  const urlLines = wrapUrl(url, INNER / 44);
  const labelHeight = blockHeight(label.lines.length, label.size);
  const textHeight = 60 + labelHeight + 40 + blockHeight(urlLines.length, 44);
  const qr = Math.floor(Math.min(MAX_QR[1], area.height - textHeight));
  const top = area.top + Math.max(0, (area.height - qr - textHeight) / 2);
  const cx = W / 2;
  return [
    qrCode(channel, url, Math.round(cx - qr / 2), Math.round(top), qr),
    textBlock(label.lines, cx, top + qr + 60 + label.size * 0.8, { id: `label-${channel}`, size: label.size, bold: true, ...style }),
    textBlock(urlLines, cx, top + qr + 100 + labelHeight + 44 * 0.8, { id: `link-${channel}`, size: 44, dir: 'ltr', lang: 'en', family: LINK_FONT }),
  ];
}

/** One row per link: the code on the side reading starts from, its label and link beside it. */
function codeRows(channels: Channel[], links: PartnerLinks, t: TFunction, area: Area, style: Style, rtl: boolean): string[] {
  const gap = 70;
  const n = channels.length;
  const qr = Math.floor(Math.min(MAX_QR[n as 2 | 3], (area.height - gap * (n - 1)) / n));
  const colWidth = INNER - qr - 90;
  const colCx = (rtl ? MARGIN : MARGIN + qr + 90) + colWidth / 2;
  let rowTop = area.top + Math.max(0, (area.height - n * qr - (n - 1) * gap) / 2);
  const out: string[] = [];
  for (const channel of channels) {
    const url = links[channel]!;
    const label = fit(t(`poster.${channel}`), colWidth, style.lang, 96, 56, 2);
    const urlLines = wrapUrl(url, colWidth / 40);
    const labelHeight = blockHeight(label.lines.length, label.size);
    const top = rowTop + (qr - (labelHeight + 50 + blockHeight(urlLines.length, 40))) / 2;
    out.push(
      qrCode(channel, url, rtl ? W - MARGIN - qr : MARGIN, Math.round(rowTop), qr),
      textBlock(label.lines, colCx, top + label.size * 0.8, { id: `label-${channel}`, size: label.size, bold: true, ...style }),
      textBlock(urlLines, colCx, top + labelHeight + 50 + 40 * 0.8, { id: `link-${channel}`, size: 40, dir: 'ltr', lang: 'en', family: LINK_FONT }),
    );
    rowTop += qr + gap;
  }
  return out;
}

/**
 * An A4 poster to print: the partner's name, an invitation in `lang`, and one labelled QR code
 * per link; as SVG, and as PNG drawn with fonts shipped in node_modules.
 *
 * @example
 * const { svg, png } = renderPoster({ partner, links, t: i18n.t('es'), lang: 'es' });
 */
export function renderPoster({ partner, links, t, lang, dpi = 300 }: PosterInput): Poster {
  const channels = CHANNELS.filter((c) => links[c]);
  if (channels.length === 0) throw new Error('a poster needs at least one link (Telegram, WhatsApp or web)');
  const rtl = RTL_LANGUAGES.has(lang);
  const dir = rtl ? 'rtl' : 'ltr';
  const cx = W / 2;
  const body: string[] = [];

  let y = MARGIN + 40;
  const name = fit(partner.name, INNER, lang, 84, 52, 2);
  body.push(textBlock(name.lines, cx, y + name.size * 0.8, { id: 'partner-name', size: name.size, bold: true, dir, lang }));
  y += blockHeight(name.lines.length, name.size) + 70;
  body.push(`<rect x="${MARGIN}" y="${y}" width="${INNER}" height="8" fill="#000"/>`);
  y += 8 + 110;

  const invitationText = t('poster.invitation');
  const invitation = fit(invitationText, INNER, lang, 124, 76, 3);
  body.push(textBlock(invitation.lines, cx, y + invitation.size * 0.8, { id: 'invitation', size: invitation.size, bold: true, dir, lang }));
  y += blockHeight(invitation.lines.length, invitation.size) + 130;

  const free = fit(t('poster.free'), INNER, lang, 64, 44, 2, false);
  const footerTop = H - MARGIN - 40 - blockHeight(free.lines.length, free.size);
  body.push(`<rect x="${MARGIN}" y="${footerTop - 70}" width="${INNER}" height="4" fill="#000"/>`);
  body.push(textBlock(free.lines, cx, footerTop + free.size * 0.8, { id: 'free', size: free.size, dir, lang }));

  const area = { top: y, height: footerTop - 140 - y };
  const style = { dir, lang } as const;
  body.push(...(channels.length === 1 ? singleCode(channels[0]!, links, t, area, style) : codeRows(channels, links, t, area, style, rtl)));

  const title = `${partner.name}: ${invitationText}`;
  const svg =
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<svg xmlns="http://www.w3.org/2000/svg" width="210mm" height="297mm" viewBox="0 0 ${W} ${H}" xml:lang="${lang}" direction="${dir}">\n` +
    `<title>${escapeXml(title)}</title>\n<rect width="${W}" height="${H}" fill="#fff"/>\n` +
    `<rect x="60" y="60" width="${W - 120}" height="${H - 120}" rx="40" fill="none" stroke="#000" stroke-width="10"/>\n` +
    `${body.join('\n')}\n</svg>\n`;
  const png = new Resvg(svg, {
    fitTo: { mode: 'width', value: Math.round((210 / 25.4) * dpi) },
    background: '#fff',
    font: { fontFiles: posterFontFiles(), loadSystemFonts: false, defaultFontFamily: FAMILY.latin },
  })
    .render()
    .asPng();
  return { svg, png };
}
