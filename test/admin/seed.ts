import type { CounterEvent, Store } from '../../src/store/index.js';
import { silentLog } from '../helpers/conversation.js';
import { createAdminRouter, type AdminDeps } from '../../src/admin/router.js';

export const TOKEN = 'admin-token-for-tests-0123456789';
export const TODAY = '2026-03-04'; // a Wednesday in 2026-W10
/** The Mondays of 2026-W07 to W10. */
export const MONDAYS = ['2026-02-09', '2026-02-16', '2026-02-23', '2026-03-02'];

/**
 * Four weeks of counts: Casa Norte and people without a partner link in numbers that can be
 * shown, Casa Sur with small ones that must not be.
 */
export async function seed(store: Store): Promise<void> {
  const events: CounterEvent[] = [];
  const add = (day: string, partner: string | null, metric: string, value: string, n: number, extra: Partial<CounterEvent> = {}) =>
    events.push({ day, channel: 'telegram', partner, language: 'es', metric, value, n, ...extra });
  for (const [i, monday] of MONDAYS.entries()) {
    const tuesday = monday.replace(/\d\d$/, (d) => String(Number(d) + 1).padStart(2, '0'));
    add(monday, 'casa-norte', 'check', 'high', 8);
    add(monday, 'casa-norte', 'check', 'medium', 6);
    add(tuesday, 'casa-norte', 'check', 'low', 7, { channel: 'web' });
    add(monday, 'casa-sur', 'check', 'high', 5, { language: 'fr' });
    add(monday, 'casa-sur', 'check', 'low', 2, { language: 'fr' });
    add(tuesday, null, 'check', 'high', 12);
    add(tuesday, null, 'check', 'medium', 5, { language: 'ar' });
    add(tuesday, null, 'check', 'low', 9);
    add(monday, 'casa-norte', 'flag', 'guarantee', 9);
    add(monday, null, 'flag', 'advance_payment', 6);
    add(monday, null, 'offer_language', 'es', 26);
    if (i === 3) add(tuesday, null, 'flag', 'extortion', 6);
  }
  add('2026-03-02', 'casa-sur', 'flag', 'urgency', 2);
  add('2026-03-02', null, 'place', 'Tijuana', 7);
  add('2026-03-02', null, 'place', 'Reynosa', 3);
  add('2026-03-02', null, 'feedback', 'useful', 8);
  add('2026-03-02', null, 'feedback', 'wrong', 3);
  await store.count(events);
}

export function adminDeps(store: Store, overrides: Partial<AdminDeps> = {}): AdminDeps {
  return {
    token: TOKEN,
    store,
    minCount: 5,
    partners: () => [
      { id: 'casa-norte', name: 'Casa Norte', active: true },
      { id: 'casa-sur', name: 'Casa Sur', active: false },
    ],
    contentStatus: () => ({ version: 'c0ffee12', loadedAt: '2026-03-04T08:00:00.000Z', lastError: { at: '2026-03-04T09:00:00.000Z', problems: ['referrals/mx.yaml: phone is missing'] } }),
    contentWarnings: async () => ['guidance/fr/bus.md: missing: people reading fr see the English page'],
    log: silentLog,
    today: () => TODAY,
    ...overrides,
  };
}

export const adminRouter = (store: Store, overrides: Partial<AdminDeps> = {}) => createAdminRouter(adminDeps(store, overrides));
