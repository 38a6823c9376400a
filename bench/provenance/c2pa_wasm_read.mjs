// Peer timing: the C2PA reference implementation (c2pa-rs as @contentauth/c2pa-wasm) reading and
// validating the same files, N times each, in one Node process.
// Usage: node c2pa_wasm_read.mjs NODE_MODULES_PARENT ANCHOR_PEM N IMAGE...
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [dir, anchorPath, count, ...images] = process.argv.slice(2);
const req = createRequire(path.resolve(dir, 'package.json'));
const c2pa = await import(pathToFileURL(req.resolve('@contentauth/c2pa-wasm')).href);
c2pa.initSync({ module: readFileSync(req.resolve('@contentauth/c2pa-wasm/c2pa.wasm')) });
const settings = JSON.stringify({
  verify: { verify_trust: true, ocsp_fetch: false, remote_manifest_fetch: false },
  trust: { trust_anchors: readFileSync(anchorPath, 'utf8') },
});
for (const file of images) {
  const bytes = new Uint8Array(readFileSync(file));
  const mime = file.endsWith('.png') ? 'image/png' : 'image/jpeg';
  let state = '';
  for (let i = 0; i < 3; ++i) {  // warm-up
    state = JSON.parse((await c2pa.WasmReader.fromBytes(mime, bytes, settings)).json()).validation_state;
  }
  const n = Number(count);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; ++i) {
    const r = await c2pa.WasmReader.fromBytes(mime, bytes, settings);
    r.json();
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6 / n;
  console.log(`${path.basename(file)}\t${bytes.length}\t${state}\t${ms.toFixed(3)} ms/image`);
}
