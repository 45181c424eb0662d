import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Inbound, Turn } from '../conversation/types.js';

/** Prometheus metrics: counts and timings only, never anything a person wrote. */
export interface Metrics {
  registry: Registry;
  /** One finished conversation turn: the update, its check (if any) and how long it took. */
  observeTurn(inbound: Inbound, turn: Turn, ms: number): void;
  /** A check made through the public API. */
  observeApiCheck(risk: string): void;
  sendFailed(channel: string): void;
  setContentVersion(version: string): void;
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'faro_' });
  const updates = new Counter({ name: 'faro_updates_total', help: 'Messages and button presses handled, by channel', labelNames: ['channel'], registers: [registry] });
  const checks = new Counter({ name: 'faro_checks_total', help: 'Offers checked, by channel and risk', labelNames: ['channel', 'risk'], registers: [registry] });
  const latency = new Histogram({
    name: 'faro_reply_seconds',
    help: 'Time from receiving a message to its replies being sent, by channel',
    labelNames: ['channel'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const failures = new Counter({ name: 'faro_send_failures_total', help: 'Replies that could not be delivered after retries, by channel', labelNames: ['channel'], registers: [registry] });
  const content = new Gauge({ name: 'faro_content_info', help: 'The content version in use (value 1)', labelNames: ['version'], registers: [registry] });
  for (const channel of ['telegram', 'whatsapp', 'web', 'api']) {
    updates.inc({ channel }, 0);
    failures.inc({ channel }, 0);
  }

  return {
    registry,
    observeTurn(inbound, turn, ms) {
      updates.inc({ channel: inbound.channel });
      latency.observe({ channel: inbound.channel }, ms / 1000);
      for (const e of turn.events) if (e.metric === 'check') checks.inc({ channel: inbound.channel, risk: e.value });
    },
    observeApiCheck(risk) {
      updates.inc({ channel: 'api' });
      checks.inc({ channel: 'api', risk });
    },
    sendFailed(channel) {
      failures.inc({ channel });
    },
    setContentVersion(version) {
      content.reset();
      content.set({ version }, 1);
    },
  };
}
