// @ts-check
/**
 * The operator console served at `/`: pick a kind, enter a target, watch it run (the same
 * <smtp-doctor-check> element the widget uses), read the report, export it, and see the domain's
 * score history when the history endpoint exists. The API key stays in sessionStorage (this tab).
 */
import '/widget.js';

const STORE = 'smtp-doctor-key';
const $ = (/** @type {string} */ id) => /** @type {any} */ (document.getElementById(id));

/** How the one "target" box maps to each kind's input; other kinds take a domain. */
const TARGETS = {
  mx: { field: 'domain', label: 'Domain', hint: 'For example example.com' },
  dns: { field: 'domain', label: 'Domain', hint: 'For example example.com: SPF, DMARC, DKIM, MTA-STS, DNSSEC, ...' },
  smtp: {
    field: 'host',
    label: 'Mail server',
    hint: 'A host name or IP address; to probe a domain\'s MX hosts, put {"domain": "example.com"} in the JSON fields instead.',
  },
  content: {
    field: 'message',
    label: 'Message',
    hint: 'The raw message (RFC 5322 headers and body).',
    multiline: true,
  },
  health: { field: 'domain', label: 'Domain', hint: 'For example example.com: every check, one score.' },
};
const FALLBACK_KINDS = ['dns', 'mx', 'smtp', 'content'];

const key = () => sessionStorage.getItem(STORE) || '';
const authed = (/** @type {string} */ url, /** @type {RequestInit} */ init = {}) =>
  fetch(url, {
    ...init,
    headers: {
      ...(init.headers || {}),
      authorization: `Bearer ${key()}`,
      ...(init.body ? { 'content-type': 'application/json' } : {}),
    },
  });

function showKeyState() {
  $('key-state').textContent = key()
    ? `Using key ${key().slice(0, 6)}… for this tab.`
    : 'No key yet: paste an API key to run checks.';
  $('forget').hidden = !key();
}

async function loadKinds() {
  let kinds = FALLBACK_KINDS;
  /** @type {Record<string, string>} */
  let descriptions = {};
  try {
    // Kinds are the fields of SubmitCheckInput (one per registered kind); introspection needs no key.
    const r = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __type(name: "SubmitCheckInput") { inputFields { name description } } }' }),
    });
    const fields = (await r.json())?.data?.__type?.inputFields;
    if (Array.isArray(fields) && fields.length > 1)
      kinds = fields.map((/** @type {any} */ f) => f.name).filter((/** @type {string} */ n) => n !== 'kind');
    descriptions = Object.fromEntries((fields || []).map((/** @type {any} */ f) => [f.name, f.description || '']));
  } catch {
    /* keep the fallback list */
  }
  const select = $('kind');
  select.replaceChildren(
    ...kinds.map((k) => Object.assign(document.createElement('option'), { value: k, textContent: k })),
  );
  select.value = ['dns', 'mx'].find((k) => kinds.includes(k)) ?? kinds[0];
  const describe = () => {
    const t = TARGETS[/** @type {keyof typeof TARGETS} */ (select.value)] || TARGETS.mx;
    $('target-label').textContent = t.label;
    $('target-label').htmlFor = t.multiline ? 'message' : 'target';
    $('target-hint').textContent = t.hint;
    $('target').hidden = !!t.multiline;
    $('message').hidden = !t.multiline;
    $('kind-hint').textContent = descriptions[select.value] || '';
  };
  select.addEventListener('change', describe);
  describe();
}

/**
 * The finding catalog (public, no key): the report names the findings folded under a root cause
 * by title. Without it the codes alone are shown.
 */
async function loadTitles() {
  try {
    const r = await fetch('/v1/findings');
    const list = r.ok ? await r.json() : [];
    if (!Array.isArray(list)) return;
    $('check').titles = Object.fromEntries(
      list
        .filter((/** @type {any} */ d) => typeof d?.code === 'string' && typeof d?.title === 'string')
        .map((/** @type {any} */ d) => [d.code, d.title]),
    );
  } catch {
    /* codes only */
  }
}

/** @param {Event} e */
async function run(e) {
  e.preventDefault();
  $('run-error').textContent = '';
  if (!key()) {
    $('run-error').textContent = 'Enter an API key first.';
    $('key').focus();
    return;
  }
  const kind = $('kind').value;
  const t = TARGETS[/** @type {keyof typeof TARGETS} */ (kind)] || TARGETS.mx;
  const value = t.multiline ? $('message').value : $('target').value.trim();
  /** @type {Record<string, unknown>} */
  let extra = {};
  if ($('extra').value.trim()) {
    try {
      extra = JSON.parse($('extra').value);
    } catch (err) {
      $('run-error').textContent = `The JSON fields are not valid JSON: ${/** @type {Error} */ (err).message}`;
      $('extra').focus();
      return;
    }
  }
  const input = { ...(value ? { [t.field]: value } : {}), ...extra };
  const el = $('check');
  el.setAttribute('endpoint', location.origin);
  el.setAttribute('key', key());
  el.setAttribute('kind', kind);
  el.input = input;
  $('report-section').hidden = false;
  $('exports').hidden = true;
  $('history-section').hidden = true;
  $('run').disabled = true;
  try {
    await el.run();
  } finally {
    $('run').disabled = false;
  }
}

/** @param {any} check */
function onComplete(check) {
  const ex = $('exports');
  ex.hidden = false;
  ex.dataset.id = check.id;
  $('export-state').textContent = '';
  const domain = check.input?.domain || (/^[a-z0-9.-]+\.[a-z]{2,}$/i.test(check.target || '') ? check.target : '');
  if (domain) void loadHistory(domain);
}

/** @param {Event} e */
async function exportReport(e) {
  const a = /** @type {HTMLElement} */ (e.target).closest('a[data-format]');
  if (!a) return;
  e.preventDefault();
  const format = a.getAttribute('data-format');
  const id = $('exports').dataset.id;
  // A link cannot carry the Authorization header: fetch with it, then save the file.
  const r = await authed(`/v1/checks/${encodeURIComponent(id)}/report?format=${format}`);
  if (r.status === 404) {
    $('export-state').textContent = 'Exports are not available on this server.';
    return;
  }
  if (!r.ok) {
    $('export-state').textContent = `Export failed (HTTP ${r.status}).`;
    return;
  }
  const url = URL.createObjectURL(await r.blob());
  const link = Object.assign(document.createElement('a'), { href: url, download: `check-${id}.${format}` });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  $('export-state').textContent = `Saved check-${id}.${format}.`;
}

const SVG = 'http://www.w3.org/2000/svg';
const svg = (
  /** @type {string} */ tag,
  /** @type {Record<string, string|number>} */ attrs,
  /** @type {string} */ text = '',
) => {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text) el.textContent = text;
  return el;
};

/** @param {string} domain */
async function loadHistory(domain) {
  const box = $('history');
  let r;
  try {
    r = await authed(`/v1/domains/${encodeURIComponent(domain)}/history?limit=50`);
  } catch {
    return;
  }
  // 404: the server has no history feature (or no such domain yet): show nothing.
  if (!r.ok) return;
  const points =
    /** @type {{at:string,score:number,grade:string,appeared:string[],disappeared:string[],checkId:string}[]} */ (
      (await r.json()).points || []
    );
  $('history-domain').textContent = domain;
  $('history-section').hidden = false;
  if (!points.length) {
    box.replaceChildren(
      Object.assign(document.createElement('p'), {
        textContent: 'No history yet: scores are recorded by health checks of this domain.',
      }),
    );
    return;
  }
  box.replaceChildren(chart(points, domain), table(points));
}

/** Score over time as an inline SVG line chart, with a text alternative. */
function chart(
  /** @type {{at:string,score:number,grade:string,appeared:string[],disappeared:string[]}[]} */ points,
  /** @type {string} */ domain,
) {
  const W = 640,
    H = 220,
    L = 40,
    R = 16,
    T = 12,
    B = 34;
  const times = points.map((p) => Date.parse(p.at));
  const t0 = Math.min(...times),
    t1 = Math.max(...times);
  const x = (/** @type {number} */ i) =>
    t1 > t0 ? L + ((times[i] - t0) / (t1 - t0)) * (W - L - R) : L + (W - L - R) / 2;
  const y = (/** @type {number} */ s) => T + (1 - s / 100) * (H - T - B);
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': 'hist-title hist-desc' });
  const last = points[points.length - 1];
  root.append(
    svg('title', { id: 'hist-title' }, `Score history of ${domain}`),
    svg(
      'desc',
      { id: 'hist-desc' },
      `${points.length} runs; latest score ${last.score} (${last.grade}) on ${last.at.slice(0, 10)}.`,
    ),
  );
  for (const s of [0, 50, 100]) {
    root.append(
      svg('line', { x1: L, x2: W - R, y1: y(s), y2: y(s), stroke: '#c4c4c4' }),
      svg('text', { x: L - 6, y: y(s) + 4, 'text-anchor': 'end', 'font-size': 12, fill: '#4a4a4a' }, String(s)),
    );
  }
  root.append(
    svg('text', { x: L, y: H - 8, 'font-size': 12, fill: '#4a4a4a' }, points[0].at.slice(0, 10)),
    svg('text', { x: W - R, y: H - 8, 'font-size': 12, fill: '#4a4a4a', 'text-anchor': 'end' }, last.at.slice(0, 10)),
  );
  root.append(
    svg('polyline', {
      points: points.map((p, i) => `${x(i)},${y(p.score)}`).join(' '),
      fill: 'none',
      stroke: '#0b57d0',
      'stroke-width': 2,
    }),
  );
  points.forEach((p, i) => {
    const changed = p.appeared.length || p.disappeared.length;
    const dot = svg('circle', {
      cx: x(i),
      cy: y(p.score),
      r: changed ? 5 : 3.5,
      fill: p.appeared.length ? '#b3261e' : p.disappeared.length ? '#146c2e' : '#0b57d0',
    });
    dot.append(
      svg(
        'title',
        {},
        `${p.at.slice(0, 16).replace('T', ' ')}: ${p.score} (${p.grade})${p.appeared.length ? `; appeared ${p.appeared.join(', ')}` : ''}${p.disappeared.length ? `; disappeared ${p.disappeared.join(', ')}` : ''}`,
      ),
    );
    root.append(dot);
  });
  return root;
}

function table(/** @type {{at:string,score:number,grade:string,appeared:string[],disappeared:string[]}[]} */ points) {
  const t = document.createElement('table');
  t.innerHTML =
    '<caption class="hint">Runs, newest first, with the findings that appeared or disappeared since the run before. On the chart, red points mark runs where findings appeared, green ones runs where findings only disappeared.</caption><thead><tr><th scope="col">When</th><th scope="col">Score</th><th scope="col">Appeared</th><th scope="col">Disappeared</th></tr></thead>';
  const body = document.createElement('tbody');
  for (const p of [...points].reverse()) {
    const tr = document.createElement('tr');
    for (const [text, cls] of [
      [p.at.slice(0, 16).replace('T', ' '), ''],
      [`${p.score} (${p.grade})`, ''],
      [p.appeared.join(', ') || '—', 'up'],
      [p.disappeared.join(', ') || '—', 'down'],
    ]) {
      tr.append(Object.assign(document.createElement('td'), { textContent: text, className: text === '—' ? '' : cls }));
    }
    body.append(tr);
  }
  t.append(body);
  return t;
}

$('key-form').addEventListener('submit', (/** @type {Event} */ e) => {
  e.preventDefault();
  sessionStorage.setItem(STORE, $('key').value.trim());
  $('key').value = '';
  showKeyState();
  $('kind').focus();
});
$('forget').addEventListener('click', () => {
  sessionStorage.removeItem(STORE);
  showKeyState();
  $('key').focus();
});
$('run-form').addEventListener('submit', run);
$('exports').addEventListener('click', exportReport);
$('check').addEventListener('smtp-doctor-complete', (/** @type {CustomEvent} */ e) => onComplete(e.detail));
showKeyState();
void loadKinds();
void loadTitles();
