// A stand-in for `hallmark serve`, for developing and smoke-testing the verify page without
// building the project: it serves pipeline/service/page/ with the real server's
// Content-Security-Policy and fakes the API with canned records. The real browser test runs
// against the real server; nothing here is evidence that the server works.
//
//   node mock_server.mjs [--port N] [--host 127.0.0.1]
//
// Prints "listening on http://HOST:PORT" once ready (port 0, the default, picks a free one).
// The canned verdict comes from the uploaded file's name: the first of the verdict words
// below that the name contains, in lower case (e.g. "cat-tampered.png" gives TAMPERED), else
// VERIFIED. The name "error-413", "error-415", "error-429" or "error-400" gives that error.

import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const pageDir = join(here, '..', '..', '..', 'pipeline', 'service', 'page');

const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; " +
  "connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

const PAGE_FILES = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/index.html': ['index.html', 'text/html; charset=utf-8'],
  '/verify.js': ['verify.js', 'text/javascript; charset=utf-8'],
  '/verify.css': ['verify.css', 'text/css; charset=utf-8'],
};

const ASSET_ID = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const MODEL_ID = '5f0c8e1d2b3a49687766554433221100ffeeddccbbaa99887766554433221100';
const DATASETS = [{ name: 'fashion-mnist-1k', licence: 'MIT' }, { name: 'studio-shots-2024', licence: 'CC-BY-4.0' }];

// Longest names first, so "verified_by_watermark" wins over "verified".
const VERDICTS = ['verified_by_watermark', 'watermark_mismatch', 'no_provenance', 'untrusted_signer',
  'verified', 'tampered', 'revoked', 'altered', 'untrusted', 'unknown_future'];

function magicOk(bytes) {
  const b = bytes;
  const png = b.length > 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47;
  const jpeg = b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
  const webp = b.length > 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP';
  return png || jpeg || webp;
}

function record(file, verdict) {
  const withManifest = !['VERIFIED_BY_WATERMARK', 'ALTERED', 'WATERMARK_MISMATCH', 'NO_PROVENANCE'].includes(verdict);
  const watermarkFound = verdict !== 'NO_PROVENANCE';
  const content = {
    VERIFIED: { state: 'same', algorithm: 'dct-grid-v1', similarity: 0.993, distance: 0.007, threshold: 0.35, cells_compared: 1024, cells_changed: 0, changed_regions: [] },
    ALTERED: { state: 'altered', algorithm: 'dct-grid-v1', similarity: 0.912, distance: 0.088, threshold: 0.35, cells_compared: 1024, cells_changed: 18, changed_regions: [{ x: 32, y: 48, width: 64, height: 40, cells: 12 }, { x: 200, y: 16, width: 24, height: 24, cells: 6 }] },
    WATERMARK_MISMATCH: { state: 'different', algorithm: 'dct-grid-v1', similarity: 0.41, distance: 0.59, threshold: 0.35, cells_compared: 1024, cells_changed: 930, changed_regions: [] },
  }[verdict] ?? { state: 'not checked' };
  const r = {
    file,
    verdict,
    reason: {
      VERIFIED: 'valid manifest from a trusted signer, bound to these bytes',
      TAMPERED: `the manifest names ${ASSET_ID} but the watermark names 0f0e0d0c0b0a09080706050403020100`,
      ALTERED: `the watermark names ${ASSET_ID} and the image is that asset, changed in 2 region(s) (18 of 1024 cells differ)`,
      NO_PROVENANCE: 'no manifest and no watermark',
    }[verdict] ?? `canned ${verdict} record from the mock server`,
    manifest: withManifest
      ? { state: verdict === 'TAMPERED' ? 'invalid' : 'valid', failure: verdict === 'TAMPERED' ? 'assertion.dataHash.mismatch' : '', signer: verdict === 'REVOKED' ? 'revoked' : verdict.startsWith('UNTRUSTED') ? 'untrusted' : 'trusted', signer_subject: 'CN=Hallmark Studio Signer,O=Hallmark Demo', asset_id: ASSET_ID }
      : { state: 'absent', failure: '', signer: '', signer_subject: '', asset_id: '' },
    content_binding: withManifest ? (verdict === 'TAMPERED' ? 'pixels changed' : 'intact') : 'n/a',
    agreement: withManifest && watermarkFound ? 'agree' : 'n/a',
    watermark: watermarkFound
      ? { checked: true, found: true, false_positive_probability: 1e-30, score: 12.34, payload: '0123456789abcdef', payload_source: 'decoded' }
      : { checked: true, found: false, false_positive_probability: 0.42, score: 0.8 },
    ledger: watermarkFound
      ? { state: 'recorded', asset_id: ASSET_ID, model_id: MODEL_ID, inclusion_proof: 'verified against checkpoint of size 40', content_hash_match: verdict === 'VERIFIED' }
      : { state: 'n/a', asset_id: '', model_id: '', inclusion_proof: '', content_hash_match: false },
    content,
  };
  if (withManifest) {
    r.manifest_summary = {
      title: 'sample-0042.png', claim_generator: 'hallmark/0.9 hallmark-generator/1.0',
      actions: ['c2pa.created', 'c2pa.watermarked'],
      // The real server sends {title}; a relationship and a bare string are handled too.
      ingredients: [{ title: 'prompt-batch-7' }, { title: 'base-render.png', relationship: 'parentOf' }, 'model-card.json'],
      datasets: DATASETS,
    };
  }
  return r;
}

function send(res, status, type, body, extra = {}) {
  res.writeHead(status, { 'Content-Type': type, 'Content-Security-Policy': CSP, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store', ...extra });
  res.end(body);
}

const json = (res, status, value, extra) => send(res, status, 'application/json', JSON.stringify(value), extra);

async function readBody(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  return Buffer.concat(chunks);
}

async function handle(req, res) {
  const url = new URL(req.url, 'http://localhost');
  if (req.method === 'GET' && PAGE_FILES[url.pathname]) {
    const [name, type] = PAGE_FILES[url.pathname];
    return send(res, 200, type, await readFile(join(pageDir, name)));
  }
  if (req.method === 'POST' && url.pathname === '/api/v1/verify') {
    const body = await readBody(req);
    let name = 'upload';
    try {
      name = decodeURIComponent(req.headers['x-filename'] ?? 'upload');
    } catch {
      return json(res, 400, { error: 'X-Filename is not URI-encoded' });
    }
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim();
    const lower = name.toLowerCase();
    const forced = lower.match(/error-(\d{3})/);
    if (forced) {
      const code = Number(forced[1]);
      const extra = code === 429 ? { 'Retry-After': '7' } : {};
      return json(res, code, { error: `canned ${code} error from the mock server` }, extra);
    }
    if (!['image/png', 'image/jpeg', 'image/webp', 'application/octet-stream'].includes(type)) {
      return json(res, 415, { error: `unsupported Content-Type ${type || '(none)'}` });
    }
    // Checks that the page sends the raw file, not a form or a data URL.
    if (!magicOk(body)) return json(res, 400, { error: 'the body is not a PNG, JPEG or WebP image' });
    const word = VERDICTS.find((v) => lower.includes(v));
    return json(res, 200, record(name, word ? word.toUpperCase() : 'VERIFIED'));
  }
  if (req.method === 'GET' && url.pathname.startsWith('/api/v1/assets/')) {
    const id = decodeURIComponent(url.pathname.slice('/api/v1/assets/'.length));
    if (id !== ASSET_ID) return json(res, 404, { error: `no asset ${id}` });
    return json(res, 200, {
      asset_id: ASSET_ID, model_id: MODEL_ID, created: '2025-03-14T09:26:53Z',
      content_hash: 'sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
      payload: '0123456789abcdef',
      manifest_hash: 'sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae', log_index: 39,
      model: { id: MODEL_ID, architecture: 'dcgan-64', recorded: '2025-03-01T12:00:00Z' },
      datasets: [{ id: 'ds-01', name: 'fashion-mnist-1k', licence: 'MIT', attribution: 'Zalando Research', items: 1000 },
        { id: 'ds-02', name: 'studio-shots-2024', licence: 'CC-BY-4.0', attribution: '', items: 250 }],
    });
  }
  if (req.method === 'GET' && url.pathname === '/api/v1/proof/inclusion') {
    return json(res, 200, { asset: url.searchParams.get('asset'), log_index: 12, tree_size: 40, hashes: [] });
  }
  if (req.method === 'GET' && url.pathname === '/api/v1/checkpoint') {
    return send(res, 200, 'text/plain; charset=utf-8', 'hallmark-ledger\n40\nc2Vjb25kIHJvb3Q=\n\n— mock signature\n');
  }
  return json(res, 404, { error: 'not found' });
}

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const host = opt('--host', '127.0.0.1');
const server = createServer((req, res) => {
  handle(req, res).catch((err) => json(res, 500, { error: String(err && err.message) }));
});
server.listen(Number(opt('--port', '0')), host, () => {
  console.log(`listening on http://${host}:${server.address().port}`);
});
