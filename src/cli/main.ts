import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import { createChecker } from '../checker/check-offer.js';
import { loadCheckerContent } from '../content/load-checker.js';
import { ContentError } from '../content/read-yaml.js';
import { runCheckJsonl, runCheckText } from './check.js';
import { runEval } from './eval.js';
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
