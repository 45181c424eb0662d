import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import { createChecker } from '../checker/check-offer.js';
import { loadCheckerContent } from '../content/load-checker.js';
import { ContentError } from '../content/read-yaml.js';
import { runCheckJsonl, runCheckText } from './check.js';
import { runContentCheck } from './content.js';
import { runEval } from './eval.js';
import { runLinks } from './links.js';
import { runPreview } from './preview.js';
import { runRules } from './rules.js';
import { InputError } from './jsonl.js';

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

async function checkerFrom(contentDir: string) {
  const content = await loadCheckerContent(resolve(contentDir));
  return { content, checker: createChecker({ patterns: content.patterns, offer: content.offer }) };
}

const program = new Command('faro')
  .description('Checks offers to cross borders or fix papers for the warning signs of smuggling and scams.')
  .addOption(
    new Option('--content <dir>', 'the content folder').env('CONTENT_DIR').default(resolve(packageRoot, 'content')),
  )
  .showHelpAfterError();

program
  .command('check')
  .description('check one offer (a readable report) or a JSON-lines file of offers')
  .argument('[text]', 'the offer text, in quotes')
  .option('--jsonl <file>', 'check every line of a JSON-lines file ({"id", "text"} per line); "-" reads standard input')
  .option('--lang <code>', 'language of the offer, if known')
  .action(async (text: string | undefined, opts: { jsonl?: string; lang?: string }) => {
    const { checker } = await checkerFrom(program.opts().content);
    if (opts.jsonl) {
      process.exitCode = await runCheckJsonl(checker, opts.jsonl);
    } else if (text) {
      process.stdout.write(runCheckText(checker, text, opts.lang));
    } else {
      program.error('give the offer text in quotes, or --jsonl FILE (use "-" for standard input)');
    }
  });

program
  .command('eval')
  .description('score the checker on a labelled JSON-lines file (id, lang, text, risk, flags)')
  .argument('<file>', 'labelled file, e.g. ../shared/eval/dev.jsonl')
  .option('--json', 'print the figures as JSON')
  .option('--misses <n>', 'how many of the worst misses to list', '10')
  .action(async (file: string, opts: { json?: boolean; misses: string }) => {
    const { checker } = await checkerFrom(program.opts().content);
    process.stdout.write(await runEval(checker, file, { json: Boolean(opts.json), misses: Number(opts.misses) }));
  });

program
  .command('rules')
  .description('per pattern: how often it fires on high-risk versus low-risk messages (to find false alarms)')
  .argument('<file>', 'labelled JSON-lines file (id, text, risk)')
  .option('--all', 'list every pattern, not only those that fired')
  .action(async (file: string, opts: { all?: boolean }) => {
    const { content, checker } = await checkerFrom(program.opts().content);
    process.stdout.write(await runRules(checker, content.patterns, file, { all: Boolean(opts.all) }));
  });

const content = program.command('content').description('for content editors: check the content folder, preview answers');

content
  .command('check')
  .description('validate every content file; list problems, stale or expiring facts, missing translations, and coverage per language')
  .option('--today <date>', 'check dates as if today were this day (YYYY-MM-DD)')
  .action(async (opts: { today?: string }) => {
    const { output, code } = await runContentCheck(resolve(program.opts().content), resolve(packageRoot, 'locales'), {
      color: Boolean(process.stdout.isTTY),
      ...(opts.today ? { today: opts.today } : {}),
    });
    process.stdout.write(output);
    process.exitCode = code;
  });

content
  .command('preview')
  .description('show exactly what the bot would answer to an offer, or show one screen')
  .argument('[text]', 'the offer text, in quotes')
  .requiredOption('--lang <code>', 'the language of the answer, e.g. es')
  .option('--country <code>', 'the person\'s country, e.g. MX')
  .option('--area <id>', 'the city or state id inside the country, e.g. tijuana')
  .option('--screen <name>', 'a screen instead of an offer: menu, legal, emergency, advice, privacy, report, language, topic:<id>, sign:<warning sign>')
  .action(async (text: string | undefined, opts: { lang: string; country?: string; area?: string; screen?: string }) => {
    process.stdout.write(
      await runPreview({
        contentDir: resolve(program.opts().content),
        localesDir: resolve(packageRoot, 'locales'),
        lang: opts.lang,
        ...(opts.country ? { country: opts.country } : {}),
        ...(opts.area ? { area: opts.area } : {}),
        ...(opts.screen ? { screen: opts.screen } : {}),
        ...(text ? { text } : {}),
        color: Boolean(process.stdout.isTTY),
      }),
    );
  });

program
  .command('links')
  .description("a partner's deep links (Telegram, WhatsApp, web chat) and a printable A4 QR poster (SVG and PNG)")
  .argument('<partner>', 'the partner\'s id or code, e.g. demo')
  .option('--out <dir>', 'the folder for <id>-poster.svg and .png', 'data/posters')
  .option('--bot <username>', 'the Telegram bot\'s username (default: TELEGRAM_BOT_USERNAME, else asked with TELEGRAM_BOT_TOKEN)')
  .option('--whatsapp <number>', 'the public WhatsApp number (default: WHATSAPP_NUMBER)')
  .option('--web <url>', 'where the web chat is (default: PUBLIC_URL)')
  .action(async (partner: string, opts: { out: string; bot?: string; whatsapp?: string; web?: string }) => {
    const { output, notes } = await runLinks({
      contentDir: resolve(program.opts().content),
      localesDir: resolve(packageRoot, 'locales'),
      partner,
      out: resolve(opts.out),
      ...(opts.bot !== undefined ? { bot: opts.bot } : {}),
      ...(opts.whatsapp !== undefined ? { whatsapp: opts.whatsapp } : {}),
      ...(opts.web !== undefined ? { web: opts.web } : {}),
      env: process.env,
    });
    for (const note of notes) process.stderr.write(`note: ${note}\n`);
    process.stdout.write(output);
  });

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof ContentError) {
    process.stderr.write(`${e.message}\nFix the content files named above, then run the command again.\n`);
    process.exitCode = 2;
  } else if (e instanceof InputError) {
    process.stderr.write(`faro: ${e.message}\n`);
    process.exitCode = 2;
  } else {
    throw e;
  }
}
