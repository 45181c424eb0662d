// Screenshot reading (OCR) throughput: images per second and ms per image with 1 and 2 worker
// threads, on pictures rendered here and the realistic screenshot fixture. Prints, asserts nothing.
// Run alone with `npx tsx bench/ocr.ts`; `npm run bench` runs it after the checker figures.
import type { Language } from '../src/content/schemas.js';
import { createOcr } from '../src/ocr/index.js';
import { offerScreenshot } from '../test/fixtures/offer-screenshot.js';
import { renderText } from '../test/helpers/render-text.js';

type Job = { lang: Language; png: Buffer };

const LATIN: Job[] = [
  { lang: 'es', png: renderText(['Pase directo a USA 100% garantizado, sin caminar,', 'aparta tu lugar con 500 dlls por Western Union,', 'escribe al WhatsApp +52 1 656 555 0100']) },
  { lang: 'en', png: renderText(['Safe passage to the US guaranteed, no walking.', '50% deposit to book your seat, DM for details']) },
  { lang: 'pt', png: renderText(['Travessia garantida pro EUA pelo México, sem andar', 'no deserto. Entrada de 5 mil no PIX pra vaga']) },
  { lang: 'fr', png: renderText(['Passage garanti vers le Canada, sans visa.', 'Acompte de 800 euros par Western Union.']) },
  { lang: 'es', png: offerScreenshot() },
];
const MIXED: Job[] = [
  { lang: 'ar', png: renderText(['رحلة بالقارب من ليبيا إلى إيطاليا،', 'العربون ٥٠٠ دولار مقدما للحجز']) },
  { lang: 'zh', png: renderText(['走线美国，包过，不用走路，', '先付一半定金']) },
  { lang: 'ru', png: renderText(['Гарантированный переход в США без риска.', 'Предоплата 2000 долларов на карту.']) },
  LATIN[0]!,
];

async function measure(label: string, jobs: Job[], workers: number, rounds: number): Promise<void> {
  const ocr = createOcr({ workers, queue: 1000, timeoutMs: 300_000 });
  try {
    // Warm-up: start the workers and load their traineddata; not timed.
    const warm = Date.now();
    await Promise.all(jobs.slice(0, workers).map((j) => ocr.read(j.png, { lang: j.lang })));
    const warmMs = Date.now() - warm;
    const all = Array.from({ length: rounds }, () => jobs).flat();
    const latencies: number[] = [];
    const start = Date.now();
    await Promise.all(
      all.map(async (j) => {
        const t0 = Date.now();
        const r = await ocr.read(j.png, { lang: j.lang });
        if (!r.ok) throw new Error(`not read: ${r.reason}`);
        latencies.push(Date.now() - t0);
      }),
    );
    const seconds = (Date.now() - start) / 1000;
    // Service time per image: wall time divided among the images, whatever the waiting.
    const perImage = (seconds * 1000) / all.length;
    console.log(
      `  ${label.padEnd(34)} ${String(workers).padStart(2)} worker(s)  ${(all.length / seconds).toFixed(2).padStart(6)} images/s  ${Math.round(perImage).toString().padStart(5)} ms/image  (first picture ${warmMs} ms incl. start-up)`,
    );
  } finally {
    await ocr.close();
  }
}

console.log(`\nOCR (tesseract.js ${(await import('tesseract.js/package.json', { with: { type: 'json' } })).default.version}, LSTM, worker threads) · Node ${process.version}`);
console.log(`  Latin set: ${LATIN.length} pictures (4 rendered offers, 1 phone screenshot 780×1688) × 3; mixed: Arabic, Chinese, Russian, Spanish × 2\n`);
for (const workers of [1, 2]) await measure('Latin-script offers and screenshot', LATIN, workers, 3);
for (const workers of [1, 2]) await measure('mixed scripts (workers switch sets)', MIXED, workers, 2);
