// Drives the verify page of `hallmark serve` in headless Chromium, as an auditor would.
//
//   node verify_page_test.mjs --url http://127.0.0.1:PORT --chromium /usr/bin/chromium \
//        --screenshot OUT.png FILE=EXPECTED_VERDICT [FILE=EXPECTED_VERDICT ...]
//
// For each FILE it loads the page afresh, uploads the file through the page's file input and
// expects #verdict to read EXPECTED_VERDICT. It also checks that the file input is reachable
// with Tab and opens its chooser from the keyboard, that a non-image is refused before any
// upload, and that the page never logs a console error or warning, throws, or fails a request
// (a CSP violation, a 404 or a broken script all show up as one of those). The first file's
// result is saved as a full-page screenshot.
//
// Exits 0 only when every check passed; 1 otherwise, including when Chromium or puppeteer-core
// cannot be started. The last line is "N passed, N failed".

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';

const VERDICT_TIMEOUT_MS = 30_000;
const PAGE_TIMEOUT_MS = 15_000;
const MAX_TABS = 6;

function usage(message) {
  if (message) console.error(`error: ${message}`);
  console.error('usage: node verify_page_test.mjs --url URL --chromium PATH --screenshot OUT.png ' +
    'FILE=EXPECTED_VERDICT [FILE=EXPECTED_VERDICT ...]');
  process.exit(1);
}

function parseArgs(argv) {
  const opts = { url: null, chromium: null, screenshot: null, cases: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--url' || a === '--chromium' || a === '--screenshot') {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      opts[a.slice(2)] = argv[++i];
    } else if (a.startsWith('--')) {
      usage(`unknown option ${a}`);
    } else {
      // The verdict is after the last '=', so file names may contain '='.
      const eq = a.lastIndexOf('=');
      if (eq <= 0 || eq === a.length - 1) usage(`expected FILE=EXPECTED_VERDICT, got ${a}`);
      opts.cases.push({ file: resolve(a.slice(0, eq)), verdict: a.slice(eq + 1) });
    }
  }
  if (!opts.url) usage('--url is required');
  if (!opts.chromium) usage('--chromium is required');
  if (!opts.screenshot) usage('--screenshot is required');
  if (opts.cases.length === 0) usage('give at least one FILE=EXPECTED_VERDICT');
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
let passed = 0;
const failures = [];

function pass(line) {
  passed++;
  console.log(`ok ${line}`);
}

function fail(line) {
  failures.push(line);
  console.log(`FAIL ${line}`);
}

let puppeteer;
try {
  ({ default: puppeteer } = await import('puppeteer-core'));
} catch (err) {
  console.error(`FAIL cannot load puppeteer-core (run npm ci in ${import.meta.dirname}): ${err.message}`);
  process.exit(1);
}

let browser;
try {
  browser = await puppeteer.launch({
    executablePath: opts.chromium,
    headless: true,
    // Chromium refuses to sandbox itself as root (CI runs as root); elsewhere keep the sandbox.
    args: process.getuid && process.getuid() === 0 ? ['--no-sandbox'] : [],
  });
} catch (err) {
  console.error(`FAIL cannot start ${opts.chromium}: ${err.message}`);
  process.exit(1);
}

// Everything the page reports that a user's console would show as a problem.
const problems = [];
const tmp = await mkdtemp(join(tmpdir(), 'hallmark-page-'));

try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  page.setDefaultTimeout(PAGE_TIMEOUT_MS);
  page.on('console', (msg) => {
    const type = msg.type();
    if (type === 'error' || type === 'warn' || type === 'warning') {
      const where = msg.location() && msg.location().url ? ` (${msg.location().url})` : '';
      problems.push(`console ${type}: ${msg.text()}${where}`);
    }
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) => {
    problems.push(`request failed: ${req.method()} ${req.url()}: ${req.failure()?.errorText ?? '?'}`);
  });

  const load = async () => {
    const response = await page.goto(opts.url, { waitUntil: 'load' });
    if (!response || !response.ok()) {
      throw new Error(`GET ${opts.url} answered ${response ? response.status() : 'nothing'}`);
    }
    await page.waitForSelector('input[type=file]');
  };

  // ---- the page itself -----------------------------------------------------------------
  await load();
  const title = await page.title();
  if (title === 'Hallmark — verify an image') pass('title');
  else fail(`title is "${title}"`);

  // ---- keyboard: Tab reaches the file input, and Enter opens its chooser ---------------
  let focused = false;
  for (let i = 0; i < MAX_TABS && !focused; i++) {
    await page.keyboard.press('Tab');
    focused = await page.evaluate(() => {
      const a = document.activeElement;
      return !!a && a.matches('input[type=file]') && !!a.labels && a.labels.length > 0 &&
        a.labels[0].textContent.trim() !== '';
    });
  }
  if (!focused) {
    fail(`keyboard: ${MAX_TABS} Tab presses did not reach a labelled file input`);
  } else {
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    if (outline === 'none') fail('keyboard: the focused file input has no visible outline');
    // Interception is switched on through a CDP session of our own, awaited before the key
    // press: page.waitForFileChooser() enables it concurrently with the press and misses the
    // chooser about half the time.
    const cdp = await page.createCDPSession();
    try {
      await cdp.send('Page.enable');
      await cdp.send('Page.setInterceptFileChooserDialog', { enabled: true });
      let timer;
      const opened = new Promise((resolve, reject) => {
        cdp.once('Page.fileChooserOpened', resolve);
        timer = setTimeout(() => reject(new Error('no chooser within 5 s')), 5_000);
      });
      await page.keyboard.press('Enter');
      await opened.finally(() => clearTimeout(timer));
      pass('keyboard: Tab reaches the file input and Enter opens the chooser');
    } catch (err) {
      fail(`keyboard: Enter on the file input opened no file chooser (${err.message})`);
    } finally {
      await cdp.send('Page.setInterceptFileChooserDialog', { enabled: false }).catch(() => {});
      await cdp.detach().catch(() => {});
    }
  }

  // ---- a non-image is refused before anything is sent ----------------------------------
  {
    await load();
    const textFile = join(tmp, 'notes.txt');
    await writeFile(textFile, 'not an image\n');
    let posted = false;
    const onRequest = (req) => {
      if (req.method() === 'POST') posted = true;
    };
    page.on('request', onRequest);
    await (await page.$('input[type=file]')).uploadFile(textFile);
    try {
      await page.waitForFunction(() => {
        const e = document.getElementById('error');
        return e && e.textContent.trim() !== '';
      }, { timeout: 5_000 });
      const text = await page.$eval('#error', (e) => e.textContent.trim());
      const status = await page.$eval('#status', (e) => e.textContent.trim());
      if (posted) fail('rejects a non-image: the page still sent it');
      else if (!/PNG, JPEG or WebP/.test(text) || !status.includes(text)) {
        fail(`rejects a non-image: unexpected message "${text}" (status "${status}")`);
      } else pass('rejects a non-image in the browser');
    } catch {
      fail('rejects a non-image: no #error message appeared');
    }
    page.off('request', onRequest);
  }

  // ---- each file gives its expected verdict --------------------------------------------
  for (const [index, { file, verdict: expected }] of opts.cases.entries()) {
    const name = basename(file);
    try {
      await load();
      await (await page.$('input[type=file]')).uploadFile(file);
      await page.waitForFunction(
        () => (document.getElementById('verdict')?.textContent ?? '').trim() !== '' ||
          (document.getElementById('error')?.textContent ?? '').trim() !== '',
        { timeout: VERDICT_TIMEOUT_MS });
      const got = await page.$eval('#verdict', (e) => e.textContent.trim());
      if (!got) {
        const error = await page.$eval('#error', (e) => e.textContent.trim());
        fail(`${name} expected ${expected}, the page showed the error "${error}"`);
        continue;
      }
      // The asset lookup finishes after the verdict; wait for it so the page is complete.
      await page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.state),
        { timeout: PAGE_TIMEOUT_MS });
      const layers = await page.evaluate(() =>
        ['manifest', 'watermark', 'ledger', 'content'].filter((l) => {
          const s = document.getElementById(`layer-${l}`);
          return !s || s.tagName !== 'SECTION' || !s.querySelector('h3, h2') || !s.querySelector('dl dt');
        }));
      if (got !== expected) fail(`${name} expected ${expected}, got ${got}`);
      else if (layers.length) fail(`${name} ${got}: empty or missing layer sections: ${layers.join(', ')}`);
      else pass(`${name} ${got}`);
      if (index === 0) {
        await page.screenshot({ path: opts.screenshot, fullPage: true });
        console.log(`screenshot of ${name} saved to ${opts.screenshot}`);
      }
    } catch (err) {
      fail(`${name} expected ${expected}: ${err.message.split('\n')[0]}`);
    }
  }

  // Let late console messages (an asset lookup, an image decode) arrive before judging.
  await new Promise((r) => setTimeout(r, 250));
} catch (err) {
  fail(`browser session: ${err.message.split('\n')[0]}`);
} finally {
  await browser.close().catch(() => {});
  await rm(tmp, { recursive: true, force: true });
}

if (problems.length === 0) pass('console clean: no errors, warnings or failed requests');
for (const p of problems) fail(p);

console.log(`${passed} passed, ${failures.length} failed`);
process.exit(failures.length === 0 ? 0 : 1);
