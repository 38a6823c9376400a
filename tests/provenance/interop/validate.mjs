// Validates images with two independent C2PA implementations and prints one JSON line each:
//   c2pa-rs (the reference implementation, as @contentauth/c2pa-wasm) and @trustnxt/c2pa-ts.
// Usage: node validate.mjs NODE_MODULES_PARENT TRUST_ANCHOR_PEM IMAGE...
// Exit status: 0 when every image is Valid in both (Trusted in c2pa-rs when an anchor is given),
// 1 otherwise, 2 when a validator cannot be loaded.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [dir, anchorPath, ...images] = process.argv.slice(2);
if (!dir || !anchorPath || images.length === 0) {
  console.error('usage: node validate.mjs DIR TRUST_ANCHOR_PEM IMAGE...');
  process.exit(2);
}
const req = createRequire(path.resolve(dir, 'package.json'));
const anchors = anchorPath === '-' ? '' : readFileSync(anchorPath, 'utf8');
const mimeOf = (f) => (f.toLowerCase().endsWith('.png') ? 'image/png' : 'image/jpeg');

async function loadC2paRs() {
  const c2pa = await import(pathToFileURL(req.resolve('@contentauth/c2pa-wasm')).href);
  c2pa.initSync({ module: readFileSync(req.resolve('@contentauth/c2pa-wasm/c2pa.wasm')) });
  return async (file) => {
    const settings = {
      // HALLMARK_OCSP_FETCH=1 lets c2pa-rs ask the signer's OCSP responder (its AIA URL).
      verify: {
        verify_trust: anchors !== '',
        ocsp_fetch: process.env.HALLMARK_OCSP_FETCH === '1',
        remote_manifest_fetch: false,
      },
      trust: anchors ? { trust_anchors: anchors } : {},
    };
    try {
      const reader = await c2pa.WasmReader.fromBytes(
          mimeOf(file), new Uint8Array(readFileSync(file)), JSON.stringify(settings));
      const s = JSON.parse(reader.json());
      const results = s.validation_results?.activeManifest ?? {};
      return {
        state: s.validation_state,
        failure: (results.failure ?? []).map((f) => f.code),
        success: (results.success ?? []).map((f) => f.code),
        manifest: s.active_manifest,
      };
    } catch (e) {
      return { state: 'Error', error: String(e?.message ?? e) };
    }
  };
}

async function loadC2paTs() {
  const base = path.resolve(dir, 'node_modules', '@trustnxt', 'c2pa-ts', 'dist');
  const asset = await import(pathToFileURL(path.join(base, 'asset', 'index.js')).href);
  const jumbf = await import(pathToFileURL(path.join(base, 'jumbf', 'index.js')).href);
  const manifest = await import(pathToFileURL(path.join(base, 'manifest', 'index.js')).href);
  return async (file) => {
    try {
      const buf = new Uint8Array(readFileSync(file));
      const Type = mimeOf(file) === 'image/png' ? asset.PNG : asset.JPEG;
      if (!Type.canRead(buf)) return { state: 'Error', error: 'cannot read asset' };
      const a = new Type(buf);
      const jumbfBytes = a.getManifestJUMBF();
      if (!jumbfBytes) return { state: 'Error', error: 'no manifest' };
      const store = manifest.ManifestStore.read(jumbf.SuperBox.fromBuffer(jumbfBytes));
      const result = await store.validate(a);
      return {
        state: result.isValid ? 'Valid' : 'Invalid',
        failure: result.statusEntries.filter((e) => !e.success).map((e) => e.code),
      };
    } catch (e) {
      return { state: 'Error', error: String(e?.message ?? e) };
    }
  };
}

let rs, ts;
try {
  rs = await loadC2paRs();
  ts = await loadC2paTs();
} catch (e) {
  console.error('cannot load a validator: ' + String(e?.message ?? e));
  process.exit(2);
}
let ok = true;
for (const file of images) {
  const r = await rs(file);
  const t = await ts(file);
  console.log(JSON.stringify({ file, 'c2pa-rs': r, 'c2pa-ts': t }));
  const rsOk = anchors ? r.state === 'Trusted' : r.state === 'Valid' || r.state === 'Trusted';
  ok = ok && rsOk && t.state === 'Valid';
}
process.exit(ok ? 0 : 1);
