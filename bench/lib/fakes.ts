// The fake Telegram Bot API and Graph API from test/helpers, on 127.0.0.1, telling the ledger
// of each reply as it arrives instead of keeping every call (a soak makes hundreds of thousands).
import { FakeBotApi, type ApiCall } from '../../test/helpers/fake-bot-api.js';
import { FakeGraphApi, GRAPH_TOKEN, PHONE_NUMBER_ID, type GraphRequest } from '../../test/helpers/fake-graph-api.js';
import { SECRETS } from './constants.js';
import type { Ledger } from './ledger.js';

export interface Fakes {
  botApi: FakeBotApi;
  graphApi: FakeGraphApi;
  /** Where replies are counted from now on; undefined: counted nowhere. */
  use(ledger: Ledger | undefined): void;
  /** Environment for a server child: where the fakes are and how to talk to them. */
  env: Record<string, string>;
  /** Other Bot API calls by method (getMe, setMyCommands, setWebhook...). */
  otherCalls: Map<string, number>;
  stop(): Promise<void>;
}

export async function startFakes(): Promise<Fakes> {
  const botApi = await new FakeBotApi(SECRETS.telegramToken).start();
  const graphApi = await new FakeGraphApi().start();
  let ledger: Ledger | undefined;
  const otherCalls = new Map<string, number>();

  // Both fakes record by pushing onto a public array: count at that moment and keep nothing.
  botApi.calls.push = (...calls: ApiCall[]) => {
    for (const { method, payload } of calls) {
      if (method === 'sendMessage') ledger?.reply('telegram', String(payload.chat_id));
      else if (method === 'answerCallbackQuery') ledger && ledger.side.answerCallbackQuery++;
      else otherCalls.set(method, (otherCalls.get(method) ?? 0) + 1);
    }
    return 0;
  };
  graphApi.requests.push = (...requests: GraphRequest[]) => {
    for (const { body } of requests) {
      if (body.status === 'read') ledger && ledger.side.reads++;
      else ledger?.reply('whatsapp', String(body.to));
    }
    return 0;
  };

  return {
    botApi,
    graphApi,
    use: (l) => (ledger = l),
    otherCalls,
    env: {
      BENCH_TELEGRAM_API: botApi.apiRoot,
      BENCH_GRAPH_API: graphApi.apiBase,
      BENCH_GRAPH_TOKEN: GRAPH_TOKEN,
      BENCH_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
    },
    async stop() {
      await botApi.stop();
      await graphApi.stop();
    },
  };
}
