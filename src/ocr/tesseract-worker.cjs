'use strict';
// Faro's tesseract.js worker thread: the package's own Node worker script with an adapter that
// only reads traineddata from the installed @tesseract.js-data packages (or the operator's
// OCR_TESSDATA_DIR), and never writes, deletes or fetches anything. Images and traineddata stay
// in this thread's memory (Emscripten's in-memory file system).
const { parentPort } = require('node:worker_threads');
const { readFile } = require('node:fs/promises');
const path = require('node:path');
const worker = require('tesseract.js/src/worker-script');
const getCore = require('tesseract.js/src/worker-script/node/getCore');
const gunzip = require('tesseract.js/src/worker-script/node/gunzip');

/** The langPath Faro passes when no OCR_TESSDATA_DIR is set: it names no folder on disk. */
const NPM_ONLY = '/faro-npm-tessdata';
const CODE = /^([a-z_]{3,16})\.traineddata(\.gz)?$/;

function npmFile(code) {
  const dir = path.dirname(require.resolve(`@tesseract.js-data/${code}/package.json`));
  return path.join(dir, '4.0.0_best_int', `${code}.traineddata.gz`);
}

async function firstReadable(files) {
  let last;
  for (const file of files) {
    try {
      return await readFile(file);
    } catch (e) {
      last = e;
    }
  }
  throw last;
}

/** tesseract.js asks for `${langPath}/${code}.traineddata.gz`; gzip or not, it checks the bytes. */
async function readTraineddata(file) {
  const match = CODE.exec(path.basename(String(file)));
  if (!match) throw new Error('only traineddata files are read');
  const code = match[1];
  const dir = path.dirname(String(file));
  const candidates = [];
  if (dir !== NPM_ONLY) candidates.push(path.join(dir, `${code}.traineddata.gz`), path.join(dir, `${code}.traineddata`));
  try {
    candidates.push(npmFile(code));
  } catch {
    // No npm package for this code: only the operator's folder can have it.
  }
  if (candidates.length === 0) throw new Error(`no traineddata for ${code}`);
  return firstReadable(candidates);
}

parentPort.on('message', (packet) => {
  worker.dispatchHandlers(packet, (obj) => parentPort.postMessage(obj));
});

/** The core prints Leptonica's and Tesseract's complaints to stderr; Faro's logs are JSON lines. */
async function quietCore(...args) {
  const Core = await getCore(...args);
  return (options) => Core({ ...options, print: () => {}, printErr: () => {} });
}

worker.setAdapter({
  getCore: quietCore,
  gunzip,
  fetch: () => Promise.reject(new Error('Faro never fetches OCR data at run time')),
  readCache: readTraineddata,
  writeCache: () => Promise.reject(new Error('Faro never writes OCR data to disk')),
  deleteCache: () => Promise.resolve(),
  checkCache: () => Promise.resolve(false),
});
