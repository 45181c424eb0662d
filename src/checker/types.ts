/** The thirteen warning signs. Content may add patterns, never new ids. */
export const FLAG_IDS = [
  'smuggling_offer',
  'guarantee',
  'urgency',
  'advance_payment',
  'fake_documents',
  'immigration_fraud',
  'dangerous_route',
  'minors',
  'off_platform_contact',
  'secrecy_control',
  'job_debt',
  'extortion',
  'fake_legitimacy',
] as const;
export type FlagId = (typeof FLAG_IDS)[number];

export const SEVERITIES = ['low', 'medium', 'high'] as const;
export type Severity = (typeof SEVERITIES)[number];

export type Risk = 'high' | 'medium' | 'low';

/** A span of the person's original text: `text === original.slice(start, end)`. */
export interface Evidence {
  text: string;
  start: number;
  end: number;
}

/** Why a flag's contribution was lowered: a negation, a warning/news frame or a question. */
export type ContextKind = 'negated' | 'warning' | 'news' | 'question';

export interface Flag {
  id: FlagId;
  severity: Severity;
  evidence: Evidence[];
  patternIds: string[];
  /** Points this flag added to the score, after context. */
  contribution: number;
  /** Set when context lowered the contribution. */
  context?: ContextKind;
}

export interface OfferItem extends Evidence {
  /** A canonical form: digits of a phone, a lower-cased URL, a place's name, a payment channel's id. */
  value: string;
}

export interface Price extends OfferItem {
  amount: number;
  currency: string;
  /** deposit: to pay before leaving; on_arrival: after arriving; unknown: not said. */
  when: 'deposit' | 'on_arrival' | 'unknown';
}

export interface Offer {
  prices: Price[];
  payment_methods: OfferItem[];
  phones: OfferItem[];
  links: OfferItem[];
  handles: OfferItem[];
  places: OfferItem[];
  walking_claims: OfferItem[];
  departure: OfferItem[];
}

export interface CheckResult {
  /** Never "safe": low means "no known warning signs found". */
  risk: Risk;
  score: number;
  /** ISO 639-1 code of the offer text. */
  language: string;
  flags: Flag[];
  offer: Offer;
  /** Guidance content ids to show, most relevant first. */
  guidance: string[];
  /** How the score was reached, one line per contribution, for people and for `faro rules`. */
  explanation: string[];
}
