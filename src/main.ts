import { resolve } from 'node:path';
import { pino } from 'pino';
import { createChecker } from './checker/check-offer.js';
import { loadConfig } from './config.js';
import { loadCheckerContent } from './content/load-checker.js';
import { createContentStore } from './content/store.js';
import { createApp } from './http/app.js';

// The composition root: the only place that reads the environment and starts things.
const config = loadConfig(process.env);
const log = pino({ level: config.LOG_LEVEL });

// The checker is built with each content version, so a reload swaps both at once.
async function loadChecker(dir: string) {
  const c = await loadCheckerContent(dir);
  return { fingerprint: c.fingerprint, checker: createChecker({ patterns: c.patterns, offer: c.offer }) };
}

const content = await createContentStore(resolve(config.CONTENT_DIR), loadChecker, {
  watch: true,
  onReload: (s) => log.info({ version: s.version }, 'content reloaded'),
  onError: (problems) => log.error({ problems }, 'content change refused; keeping the last good content'),
});

const app = createApp({ checker: () => content.current().checker, contentStatus: content.status });
const server = app.listen(config.PORT, config.HOST, () => {
  log.info(`Faro is running at http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${config.PORT}`);
});

function shutdown(signal: string) {
  log.info({ signal }, 'shutting down');
  content.close();
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 5000).unref();
}
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
