// The verify page of `hallmark serve`: sends one image to POST api/v1/verify and shows the
// record that `hallmark verify --json` would print for it.
//
// The server's Content-Security-Policy allows only same-origin scripts and styles, so this file
// builds every node with the DOM API (never innerHTML: record fields come from whoever made the
// image), styles only by toggling classes, and registers no inline handlers. Every field of the
// record is treated as optional: older servers, images without a manifest and images the
// watermark layer could not read all leave some out.
'use strict';

(() => {
  // The types the server decodes, by MIME type and by file-name extension (some systems give a
  // dropped file no type at all).
  const ACCEPTED_TYPES = new Set(['image/png', 'image/jpeg', 'image/webp']);
  const ACCEPTED_EXTENSIONS = new Set(['png', 'jpg', 'jpeg', 'webp']);

  const GOOD_VERDICTS = /^VERIFIED/;
  const BAD_VERDICTS = new Set(['TAMPERED', 'REVOKED', 'ALTERED', 'WATERMARK_MISMATCH']);
  const VERDICT_MEANING = {
    good: 'Provenance confirmed',
    bad: 'Provenance problem found',
    neutral: 'No provenance confirmed',
  };

  const $ = (id) => document.getElementById(id);
  const input = $('file');
  const dropZone = $('drop-zone');
  const status = $('status');
  const result = $('result');

  // The request in flight, so a newer choice cancels it, and a counter so a late answer to an
  // older choice never overwrites the newer one.
  let controller = null;
  let generation = 0;
  let previewUrl = null;

  // ---- small DOM helpers -------------------------------------------------------------------

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function code(text) {
    return el('code', 'id', text);
  }

  function isPresent(value) {
    if (value === undefined || value === null) return false;
    if (typeof value === 'string') return value.trim() !== '';
    if (Array.isArray(value)) return value.length > 0;
    return true;
  }

  // Appends "term: value" to a <dl>; a missing value is left out unless a placeholder is given.
  function row(dl, term, value, placeholder) {
    if (!isPresent(value)) {
      if (placeholder === undefined) return;
      value = el('span', 'muted', placeholder);
    }
    const dt = el('dt', null, term);
    const dd = el('dd');
    if (value instanceof Node) dd.append(value);
    else dd.textContent = String(value);
    dl.append(dt, dd);
  }

  function list(items, render, ordered) {
    const ul = el(ordered ? 'ol' : 'ul', 'value-list');
    for (const item of items) {
      const li = el('li');
      const content = render(item);
      if (content instanceof Node) li.append(content);
      else li.textContent = String(content);
      ul.append(li);
    }
    return ul;
  }

  function clear(node) {
    node.replaceChildren();
  }

  const obj = (v) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? v : {});
  const arr = (v) => (Array.isArray(v) ? v : []);
  const str = (v) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
  const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

  function yesNo(v) {
    return typeof v === 'boolean' ? (v ? 'yes' : 'no') : null;
  }

  // The CLI prints probabilities with C's "%.1e": one decimal, signed two-digit exponent.
  function formatProbability(p) {
    const v = num(p);
    if (v === null) return null;
    const [mantissa, exponent] = v.toExponential(1).split('e');
    const sign = exponent.startsWith('-') ? '-' : '+';
    return `${mantissa}e${sign}${exponent.replace(/^[+-]/, '').padStart(2, '0')}`;
  }

  function formatFixed(v, digits) {
    const n = num(v);
    return n === null ? null : n.toFixed(digits);
  }

  function humanize(text) {
    return str(text).replace(/_/g, ' ');
  }

  function verdictFamily(verdict) {
    if (GOOD_VERDICTS.test(verdict)) return 'good';
    // UNTRUSTED covers UNTRUSTED_SIGNER, the name the CLI uses.
    if (BAD_VERDICTS.has(verdict) || verdict.startsWith('UNTRUSTED')) return 'bad';
    return 'neutral';
  }

  // ---- status line -------------------------------------------------------------------------

  function setState(state) {
    document.body.dataset.state = state;
  }

  function showStatus(text) {
    status.classList.remove('is-error');
    status.replaceChildren(text);
  }

  // The error text lives inside the status line, so it is announced once and shown once.
  function showError(text) {
    status.classList.add('is-error');
    status.replaceChildren(el('span', 'error', text));
    status.firstChild.id = 'error';
    setState('error');
  }

  // ---- choosing a file ---------------------------------------------------------------------

  function extensionOf(name) {
    const dot = name.lastIndexOf('.');
    return dot < 0 ? '' : name.slice(dot + 1).toLowerCase();
  }

  // The Content-Type to send, or null when the file is not an image the server reads.
  function contentTypeOf(file) {
    if (ACCEPTED_TYPES.has(file.type)) return file.type;
    // No type from the browser but a known extension: let the server look at the bytes.
    if (file.type === '' && ACCEPTED_EXTENSIONS.has(extensionOf(file.name))) {
      return 'application/octet-stream';
    }
    return null;
  }

  function showPreview(file) {
    if (previewUrl) URL.revokeObjectURL(previewUrl);
    const figure = $('preview-figure');
    const img = $('preview');
    previewUrl = URL.createObjectURL(file);
    const url = previewUrl;
    // The decoded picture stays on screen after the URL is revoked; nothing else needs it.
    const release = () => {
      if (previewUrl === url) {
        URL.revokeObjectURL(url);
        previewUrl = null;
      }
    };
    img.onload = release;
    img.onerror = () => {
      release();
      figure.hidden = true;
    };
    img.alt = `Preview of ${file.name}`;
    img.src = url;
    $('preview-caption').textContent = `${formatSize(file.size)}`;
    figure.hidden = false;
  }

  function formatSize(bytes) {
    if (bytes < 1024) return `${bytes} bytes`;
    if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
    return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  }

  function resetResult() {
    result.hidden = true;
    $('verdict').textContent = '';
    $('reason').textContent = '';
    $('verdict-meaning').textContent = '';
  }

  async function check(file) {
    if (controller) controller.abort();
    controller = null;
    const mine = ++generation;
    resetResult();

    const type = contentTypeOf(file);
    if (!type) {
      showError(`${file.name} is not a PNG, JPEG or WebP image; choose one of those.`);
      return;
    }

    controller = new AbortController();
    const { signal } = controller;
    setState('checking');
    showStatus(`Checking ${file.name}…`);
    showPreview(file);

    let record;
    try {
      const response = await fetch('api/v1/verify?summary=1', {
        method: 'POST',
        body: file,
        headers: { 'Content-Type': type, 'X-Filename': encodeURIComponent(file.name) },
        signal,
        cache: 'no-store',
      });
      record = await readJson(response);
      if (mine !== generation) return;
      if (!response.ok) {
        showError(errorText(response, record));
        return;
      }
    } catch (err) {
      if (mine !== generation || (err && err.name === 'AbortError')) return;
      showError('Could not reach the verification service; check the connection and try again.');
      return;
    }

    if (!record || typeof record !== 'object' || !isPresent(str(record.verdict))) {
      showError('The server answered without a verdict.');
      return;
    }
    render(record, file);
    showStatus(`Checked ${file.name}.`);
    await lookUpAsset(str(obj(record.ledger).asset_id), signal, mine);
    if (mine === generation) setState('done');
  }

  async function readJson(response) {
    try {
      return await response.json();
    } catch {
      return null;
    }
  }

  function errorText(response, body) {
    let text = str(obj(body).error) ||
               `The server answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}.`;
    if (response.status === 429) {
      const retry = response.headers.get('Retry-After');
      if (retry) {
        const wait = retry.trim();
        if (!/[.!?]$/.test(text)) text += '.';
        text += /^\d+$/.test(wait) ? ` Try again in ${wait} s.` : ` Try again after ${wait}.`;
      }
    }
    return text;
  }

  // ---- the record --------------------------------------------------------------------------

  function render(record, file) {
    const verdict = str(record.verdict);
    const family = verdictFamily(verdict);
    const panel = $('verdict-panel');
    panel.classList.remove('verdict-good', 'verdict-bad', 'verdict-neutral');
    panel.classList.add(`verdict-${family}`);
    $('result-file').textContent = file.name;
    $('verdict-meaning').textContent = VERDICT_MEANING[family];
    $('reason').textContent = str(record.reason);

    renderManifest(record);
    renderWatermark(record);
    renderLedger(record);
    renderContent(record);

    result.hidden = false;
    // Last, because the tests (and anyone scripting the page) wait for the verdict's text.
    const verdictEl = $('verdict');
    verdictEl.className = `verdict verdict-${family}`;
    verdictEl.textContent = verdict;
  }

  function renderManifest(record) {
    const m = obj(record.manifest);
    const dl = $('manifest-details');
    clear(dl);
    row(dl, 'State', humanize(m.state), 'unknown');
    row(dl, 'Failure', str(m.failure) && code(str(m.failure)));
    row(dl, 'Signer trust', humanize(m.signer));
    row(dl, 'Signer subject', str(m.signer_subject));
    if (str(m.state) !== 'absent') row(dl, 'Content binding', str(record.content_binding));
    row(dl, 'Asset ID', str(m.asset_id) && code(str(m.asset_id)));

    const s = obj(record.manifest_summary);
    row(dl, 'Title', str(s.title));
    row(dl, 'Claim generator', str(s.claim_generator));
    const actions = arr(s.actions).map(str).filter(isPresent);
    if (actions.length) row(dl, 'Actions', list(actions, (a) => el('code', null, a), true));
    // Ingredients are titles, or {title, relationship} objects; shown in chain order.
    const ingredients = arr(s.ingredients).filter((i) => isPresent(str(i)) || isPresent(obj(i).title));
    if (ingredients.length) {
      row(dl, 'Ingredients', list(ingredients, (i) => {
        if (typeof i === 'string') return i;
        const rel = str(i.relationship);
        return rel ? `${str(i.title)} (${rel})` : str(i.title);
      }, true));
    }
    const datasets = arr(s.datasets).filter((d) => isPresent(str(obj(d).name)));
    if (datasets.length) row(dl, 'Training datasets', list(datasets, datasetItem));
  }

  // One dataset with its licence; the manifest spells it "license", the ledger "licence".
  function datasetItem(d) {
    const span = el('span');
    span.append(el('span', null, str(d.name)));
    const licence = str(d.licence) || str(d.license);
    span.append(el('span', 'muted', licence ? ` — licence ${licence}` : ' — licence not stated'));
    if (isPresent(str(d.attribution))) span.append(el('span', 'muted', `; ${str(d.attribution)}`));
    return span;
  }

  function renderWatermark(record) {
    const w = obj(record.watermark);
    const dl = $('watermark-details');
    clear(dl);
    const checked = w.checked !== false;
    row(dl, 'Checked', yesNo(w.checked));
    if (checked) row(dl, 'Found', yesNo(w.found));
    if (isPresent(str(w.note)) || isPresent(str(w.detail))) {
      const note = [humanize(w.note), str(w.detail)].filter(isPresent).join(': ');
      row(dl, 'Note', note);
    }
    row(dl, 'Payload', str(w.payload) && code(str(w.payload)));
    row(dl, 'Payload source', str(w.payload_source));
    row(dl, 'False-positive probability', formatProbability(w.false_positive_probability));
    row(dl, 'Score', formatFixed(w.score, 2));
    if (str(record.agreement) && str(record.agreement) !== 'n/a') {
      row(dl, 'Manifest and watermark', str(record.agreement));
    }
  }

  function renderLedger(record) {
    const l = obj(record.ledger);
    const dl = $('ledger-details');
    clear(dl);
    const assetId = str(l.asset_id);
    row(dl, 'State', str(l.state), 'unknown');
    row(dl, 'Asset ID', assetId && code(assetId));
    row(dl, 'Model ID', str(l.model_id) && code(str(l.model_id)));
    row(dl, 'Inclusion proof', str(l.inclusion_proof));
    if (assetId) row(dl, 'File hash matches record', yesNo(l.content_hash_match));

    const links = $('ledger-links');
    clear(links);
    if (assetId) {
      const receipt = el('a', null, 'Inclusion receipt (JSON)');
      receipt.href = `api/v1/proof/inclusion?asset=${encodeURIComponent(assetId)}`;
      receipt.download = `inclusion-${assetId}.json`;
      links.append(wrapLi(receipt));
    }
    const checkpoint = el('a', null, 'Signed checkpoint');
    checkpoint.href = 'api/v1/checkpoint';
    links.append(wrapLi(checkpoint));

    $('ledger-record').hidden = true;
    clear($('ledger-record-details'));
  }

  function wrapLi(node) {
    const li = el('li');
    li.append(node);
    return li;
  }

  // Fetches the asset's public ledger record and shows its model, datasets and dates.
  async function lookUpAsset(assetId, signal, mine) {
    if (!assetId) return;
    const box = $('ledger-record');
    const note = $('ledger-record-status');
    const dl = $('ledger-record-details');
    note.textContent = 'Looking up the public record…';
    note.hidden = false;
    box.hidden = false;
    let response;
    let body;
    try {
      response = await fetch(`api/v1/assets/${encodeURIComponent(assetId)}`, { signal });
      body = await readJson(response);
    } catch (err) {
      if (mine === generation) note.textContent = 'The public record could not be fetched.';
      return;
    }
    if (mine !== generation) return;
    if (!response.ok || !body || typeof body !== 'object') {
      note.textContent = response.status === 404
        ? 'The ledger has no public record for this asset.'
        : str(obj(body).error) || `The public record could not be fetched (HTTP ${response.status}).`;
      return;
    }
    note.hidden = true;
    note.textContent = '';
    clear(dl);
    const model = obj(body.model);
    const modelId = str(model.id) || str(body.model_id);
    if (modelId || isPresent(str(model.architecture))) {
      const span = el('span');
      if (modelId) span.append(code(modelId));
      if (isPresent(str(model.architecture))) {
        span.append(el('span', 'muted', `${modelId ? ' — ' : ''}${str(model.architecture)}`));
      }
      row(dl, 'Model', span);
    }
    row(dl, 'Model recorded', str(model.recorded) || str(model.recorded_at));
    row(dl, 'Training run', str(model.training_run));
    const datasets = arr(body.datasets).filter((d) => isPresent(str(obj(d).name)) || isPresent(str(obj(d).id)));
    if (datasets.length) {
      row(dl, 'Training datasets', list(datasets, (d) => datasetItem({ ...d, name: str(d.name) || str(d.id) })));
    }
    row(dl, 'Created', str(body.created) || str(body.created_at));
    row(dl, 'Log index', str(body.log_index));
    row(dl, 'Content hash', str(body.content_hash) && code(str(body.content_hash)));
    row(dl, 'Payload', str(body.payload) && code(str(body.payload)));
  }

  function renderContent(record) {
    const c = obj(record.content);
    const dl = $('content-details');
    clear(dl);
    row(dl, 'State', humanize(c.state), 'not reported');
    row(dl, 'Note', humanize(c.note));
    row(dl, 'Similarity', formatFixed(c.similarity, 3));
    row(dl, 'Distance', formatFixed(c.distance, 3));
    row(dl, 'Threshold (distance)', formatFixed(c.threshold, 3));
    const changed = num(c.cells_changed);
    const compared = num(c.cells_compared);
    if (changed !== null && compared !== null) row(dl, 'Cells changed', `${changed} of ${compared}`);
    else if (compared !== null) row(dl, 'Cells compared', String(compared));
    if (Array.isArray(c.changed_regions)) {
      const regions = c.changed_regions.map(obj);
      row(dl, 'Changed regions', regions.length
        ? list(regions, (r) => `${str(r.width)}x${str(r.height)} at (${str(r.x)}, ${str(r.y)})`)
        : 'none');
    }
  }

  // ---- wiring ------------------------------------------------------------------------------

  input.addEventListener('change', () => {
    const file = input.files && input.files[0];
    if (file) check(file);
  });

  // Dragging over the zone highlights it; a counter, because dragenter/dragleave also fire
  // for the zone's children.
  let dragDepth = 0;
  dropZone.addEventListener('dragenter', (e) => {
    e.preventDefault();
    dragDepth++;
    dropZone.classList.add('is-dragover');
  });
  dropZone.addEventListener('dragover', (e) => {
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
  });
  dropZone.addEventListener('dragleave', () => {
    dragDepth = Math.max(0, dragDepth - 1);
    if (dragDepth === 0) dropZone.classList.remove('is-dragover');
  });
  dropZone.addEventListener('drop', (e) => {
    e.preventDefault();
    dragDepth = 0;
    dropZone.classList.remove('is-dragover');
    const files = e.dataTransfer && e.dataTransfer.files;
    if (!files || files.length === 0) return;
    // Mirror the drop in the input, so the page shows one consistent choice.
    try {
      input.files = files;
    } catch {
      // Older browsers cannot assign FileLists; the check below does not need it.
    }
    check(files[0]);
  });

  // A file dropped beside the zone would otherwise replace the page with the image.
  for (const type of ['dragover', 'drop']) {
    document.addEventListener(type, (e) => {
      if (!dropZone.contains(e.target)) e.preventDefault();
    });
  }

  showStatus('Choose an image, or drop one on the box above.');
})();
