// @ts-check
/**
 * <smtp-doctor-check>: one tag that runs an smtp-doctor check and shows the result live.
 *
 *   <script type="module" src="https://doctor.example.com/widget.js"></script>
 *   <smtp-doctor-check endpoint="https://doctor.example.com" key="pk_..." kind="dns" domain="example.com"></smtp-doctor-check>
 *
 * Plain web component, no framework, no build step: this file is what the service serves at
 * /widget.js (size budget held by test/embed/widget-size.test.ts). It submits over GraphQL,
 * follows `checkUpdated` over graphql-ws (protocol "graphql-transport-ws", falling back to polling),
 * and renders the root cause first (with the findings it implies folded under it), then the other
 * findings grouped by severity. Theme with CSS custom properties (--sdc-*) and
 * ::part(); translate by replacing entries of STRINGS (or `element.strings`).
 */

/** Every text the widget shows. Functions receive values to place in the sentence. */
export const STRINGS = {
  domainLabel: 'Domain to check',
  domainPlaceholder: 'example.com',
  run: 'Check',
  running: 'Checking…',
  queued: 'Waiting for a worker…',
  phase: (/** @type {string} */ p, /** @type {number|undefined} */ pct) =>
    `Running: ${p}${pct === undefined ? '' : ` (${pct}%)`}`,
  progressLabel: 'Check progress',
  done: (/** @type {number} */ n) =>
    n ? `Finished: ${n} problem${n === 1 ? '' : 's'} found.` : 'Finished: no problems found.',
  verdict: { pass: 'Pass', warn: 'Needs attention', fail: 'Fail', indeterminate: 'Inconclusive' },
  score: (/** @type {number} */ s) => `Score ${s}/100`,
  severity: { critical: 'Critical', error: 'Errors', warning: 'Warnings', info: 'Notes' },
  remediation: 'How to fix',
  suggested: 'Suggested record',
  copy: 'Copy',
  copied: 'Copied',
  transcript: (/** @type {string} */ where) => `SMTP transcript${where ? ` (${where})` : ''}`,
  noFindings: 'Nothing to report.',
  rootCause: 'Root cause',
  implied: (/** @type {string} */ code, /** @type {number} */ n) =>
    `${n} finding${n === 1 ? '' : 's'} implied by ${code} (moot until it is fixed)`,
  errBadDomain: (/** @type {string} */ d) => `“${d}” is not a valid domain name. Enter a name like example.com.`,
  errRateLimit: (/** @type {number|undefined} */ s) =>
    `Too many checks right now. Please try again ${s ? `in ${s} seconds` : 'in a minute'}.`,
  errNetwork:
    'Could not reach the check service. Check your connection; if this persists, this site may not be allowed to use the service.',
  errForbidden: 'This site is not allowed to run checks with this key.',
  errKey: 'The widget’s key is missing, unknown or revoked.',
  errKind: (/** @type {string} */ k) => `This key may not run “${k}” checks.`,
  errUnavailable: 'The check service is temporarily unavailable. Please try again shortly.',
  errFailed: (/** @type {string} */ why) => `The check could not run: ${why}`,
  errUnexpected: (/** @type {string} */ why) => `Something went wrong: ${why}`,
  errConfig: 'This widget needs endpoint, key and kind attributes.',
};

const SEVERITIES = /** @type {const} */ (['critical', 'error', 'warning', 'info']);

const CSS = `
:host{display:block;font:var(--sdc-font,15px/1.5 system-ui,sans-serif);color:var(--sdc-fg,#1b1b1b);background:var(--sdc-bg,#fff);border:1px solid var(--sdc-border,#c4c4c4);border-radius:var(--sdc-radius,8px);padding:var(--sdc-padding,1rem)}
:host([hidden]),[hidden]{display:none!important}
*{box-sizing:border-box}
form{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end}
label{flex-basis:100%;font-weight:600}
input{flex:1 1 12rem;font:inherit;padding:.45rem .6rem;border:1px solid var(--sdc-border-strong,#6b6b6b);border-radius:calc(var(--sdc-radius,8px) - 2px);color:inherit;background:var(--sdc-input-bg,#fff)}
button{font:inherit;cursor:pointer;padding:.45rem .9rem;border:1px solid var(--sdc-accent,#0b57d0);border-radius:calc(var(--sdc-radius,8px) - 2px);background:var(--sdc-accent,#0b57d0);color:var(--sdc-accent-fg,#fff)}
button.copy{padding:.15rem .6rem;background:transparent;color:var(--sdc-accent,#0b57d0)}
button[aria-disabled=true]{opacity:.6;cursor:progress}
:focus-visible{outline:3px solid var(--sdc-focus,#0b57d0);outline-offset:2px}
.status{margin:.6rem 0 0;color:var(--sdc-muted,#4a4a4a)}
progress{width:100%;height:.5rem;accent-color:var(--sdc-accent,#0b57d0)}
.alert{margin:.6rem 0 0;padding:.5rem .75rem;border-left:4px solid var(--sdc-error,#b3261e);background:var(--sdc-error-bg,#fdecea);color:var(--sdc-error-fg,#5f1410)}
.alert:empty{display:none}
h3,h4{margin:.9rem 0 .4rem;line-height:1.3}
h3{font-size:1.1em}h4{font-size:1em}
.badge{display:inline-block;padding:0 .5rem;border-radius:99px;color:#fff;font-size:.9em;margin-right:.4rem}
.pass{background:var(--sdc-pass,#146c2e)}.warn{background:var(--sdc-warning,#8a4b00)}.fail{background:var(--sdc-error,#b3261e)}.indeterminate{background:var(--sdc-muted,#4a4a4a)}
ul{list-style:none;margin:0;padding:0}
li{margin:0 0 .6rem;padding:.5rem .75rem;border-left:4px solid var(--sdc-border,#c4c4c4);background:var(--sdc-finding-bg,#f6f6f6)}
li.sev-critical{border-color:var(--sdc-critical,#7a0012)}li.sev-error{border-color:var(--sdc-error,#b3261e)}li.sev-warning{border-color:var(--sdc-warning,#8a4b00)}li.sev-info{border-color:var(--sdc-info,#1d5b9a)}
.title{font-weight:600;margin:0}
p{margin:.25rem 0}
.code{font:.8em ui-monospace,monospace;color:var(--sdc-muted,#4a4a4a)}
.record{display:flex;gap:.5rem;align-items:center;flex-wrap:wrap;margin-top:.3rem}
code,pre{font:.85em/1.4 ui-monospace,monospace;background:var(--sdc-code-bg,#fff);border:1px solid var(--sdc-border,#c4c4c4);border-radius:4px;padding:.15rem .35rem;overflow-wrap:anywhere}
pre{white-space:pre-wrap;padding:.5rem;max-height:24rem;overflow:auto}
summary{cursor:pointer;font-weight:600;margin:.5rem 0}
li li{margin:.2rem 0;padding:.1rem .5rem;background:none}
`;

/** @typedef {{code:string,severity:string,title:string,detail:string,remediation:string,folded?:string[]|null}} Finding */
/** @typedef {{id:string,kind:string,status:string,target?:string,phase?:string|null,progress?:number|null,verdict?:string|null,score?:number|null,error?:string|null,findings:Finding[],result?:any}} Check */

const FIELDS =
  'id kind status target phase progress verdict score error findings { code severity title detail remediation folded } result';

class WidgetError extends Error {
  /** @param {string} code @param {string} [detail] @param {Record<string, unknown>} [extra] */
  constructor(code, detail, extra = {}) {
    super(detail || code);
    this.code = code;
    this.extra = extra;
  }
}

/** POST a GraphQL operation; every failure becomes a WidgetError with a code. */
async function gql(
  /** @type {string} */ endpoint,
  /** @type {string} */ key,
  /** @type {string} */ query,
  /** @type {object} */ variables,
) {
  let res;
  try {
    res = await fetch(`${endpoint}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query, variables }),
    });
  } catch {
    throw new WidgetError('NETWORK'); // also what a CORS refusal looks like from inside the page
  }
  /** @type {any} */
  let body = null;
  try {
    body = await res.json();
  } catch {
    /* not JSON */
  }
  if (res.status === 429)
    throw new WidgetError('RATE_LIMITED', body?.detail, {
      retryAfter: Number(res.headers.get('retry-after')) || undefined,
    });
  const e = body?.errors?.[0];
  if (e) throw new WidgetError(e.extensions?.code || 'UNEXPECTED', e.message, e.extensions || {});
  if (!res.ok || !body?.data)
    throw new WidgetError(
      body?.code || (res.status >= 500 ? 'SERVICE_UNAVAILABLE' : 'UNEXPECTED'),
      body?.detail || `HTTP ${res.status}`,
    );
  return body.data;
}

/**
 * Minimal graphql-ws client ("graphql-transport-ws": connection_init -> connection_ack ->
 * subscribe -> next* -> complete; ping/pong). Calls `onEnd(false)` when the socket fails before
 * completion so the caller can fall back to polling.
 */
function subscribe(
  /** @type {string} */ endpoint,
  /** @type {string} */ key,
  /** @type {string} */ id,
  /** @type {(c: Check) => void} */ onCheck,
  /** @type {(ok: boolean, err?: WidgetError) => void} */ onEnd,
) {
  let ended = false;
  const end = (/** @type {boolean} */ ok, /** @type {WidgetError} */ err) => {
    if (ended) return;
    ended = true;
    onEnd(ok, err);
    try {
      ws.close(1000);
    } catch {
      /* already closed */
    }
  };
  const ws = new WebSocket(`${endpoint.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
  const send = (/** @type {object} */ m) => ws.send(JSON.stringify(m));
  ws.onopen = () => send({ type: 'connection_init', payload: { authorization: `Bearer ${key}` } });
  ws.onmessage = (ev) => {
    /** @type {any} */
    let m;
    try {
      m = JSON.parse(String(ev.data));
    } catch {
      return;
    }
    if (m.type === 'connection_ack')
      send({
        id: '1',
        type: 'subscribe',
        payload: { query: `subscription ($id: ID!) { checkUpdated(id: $id) { ${FIELDS} } }`, variables: { id } },
      });
    else if (m.type === 'ping') send({ type: 'pong' });
    else if (m.type === 'next') {
      const e = m.payload?.errors?.[0];
      if (e) end(true, new WidgetError(e.extensions?.code || 'UNEXPECTED', e.message, e.extensions));
      else if (m.payload?.data?.checkUpdated) onCheck(m.payload.data.checkUpdated);
    } else if (m.type === 'error') {
      const e = m.payload?.[0];
      end(true, new WidgetError(e?.extensions?.code || 'UNEXPECTED', e?.message));
    } else if (m.type === 'complete') end(true);
  };
  ws.onclose = () => end(false);
  return () => end(true);
}

/** The suggested record in a remediation text: `_dmarc.example.com. IN TXT "v=DMARC1; ..."`, a quoted whole record, or a quoted `"v=... ..."` value. */
export function suggestedRecord(/** @type {string} */ text) {
  const rr = /[\w.-]+\.\s+(?:\d+\s+)?IN\s+[A-Z]+\s+"[^"]*"(?:\s+"[^"]*")*/.exec(text);
  if (rr) return rr[0];
  // An unquoted record with a name as data, outside quotes ("publish: 25.2.0.192.in-addr.arpa. IN PTR mx.example.").
  const named = /[\w.-]+\.\s+(?:\d+\s+)?IN\s+(?:PTR|CNAME|NS|MX\s+\d+)\s+[\w.-]+\./.exec(
    text.replace(/"[^"]*"/g, '""'),
  );
  if (named) return named[0];
  // A whole record in quotes ("name. 3600 IN MX 10 mx.name."), or a tag list with content ("v=spf1 mx -all").
  const q = /"([\w.-]+\.\s+(?:\d+\s+)?IN\s[^"]+|v=[^"\s;]+[ ;][^"]+)"/.exec(text);
  return q ? q[1] : undefined;
}

/** Every `transcript` array in a result (smtp probes keep one per host/port). */
function transcripts(/** @type {any} */ result, depth = 0) {
  /** @type {{where:string, lines:any[]}[]} */
  const out = [];
  if (!result || typeof result !== 'object' || depth > 4) return out;
  if (Array.isArray(result.transcript) && result.transcript.length)
    out.push({ where: [result.host, result.port].filter(Boolean).join(':'), lines: result.transcript });
  for (const v of Object.values(result)) if (v && typeof v === 'object') out.push(...transcripts(v, depth + 1));
  return out;
}

/** A tiny element builder: h('p', { class: 'x' }, 'text', child). */
function h(/** @type {string} */ tag, /** @type {Record<string, any>} */ attrs = {}, /** @type {any[]} */ ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== undefined && c !== null && c !== false) el.append(c);
  return el;
}

let uid = 0;

export class SmtpDoctorCheck extends HTMLElement {
  static observedAttributes = ['domain'];

  constructor() {
    super();
    /** Per-element text overrides (merged over STRINGS). */
    this.strings = /** @type {Partial<typeof STRINGS>} */ ({});
    /** Extra input fields merged into the submitted input (e.g. { dkimSelectors: [...] }). */
    this.input = /** @type {Record<string, unknown>} */ ({});
    /** @type {Check | undefined} */
    this.check = undefined;
    /** Finding code -> title (e.g. from GET /v1/findings), to name the findings folded under a root cause. */
    this.titles = /** @type {Record<string, string>} */ ({});
    this.uid = ++uid;
    /** @type {(() => void) | undefined} */
    this.stop = undefined;
    const root = this.attachShadow({ mode: 'open' });
    if (
      'adoptedStyleSheets' in root &&
      typeof CSSStyleSheet === 'function' &&
      'replaceSync' in CSSStyleSheet.prototype
    ) {
      // Constructable sheets are not <style> elements, so pages with a strict style-src CSP still work.
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      root.adoptedStyleSheets = [sheet];
    } else root.append(h('style', {}, CSS));
  }

  get t() {
    return { ...STRINGS, ...this.strings };
  }

  connectedCallback() {
    if (this.shadowRoot?.childElementCount && this.form) return;
    const t = this.t;
    const id = `sdc-domain-${this.uid}`;
    this.field = /** @type {HTMLInputElement} */ (
      h('input', {
        id,
        name: 'domain',
        part: 'input',
        type: 'text',
        autocomplete: 'off',
        autocapitalize: 'off',
        spellcheck: 'false',
        inputmode: 'url',
        placeholder: t.domainPlaceholder,
        required: true,
      })
    );
    this.field.value = this.getAttribute('domain') || '';
    this.button = /** @type {HTMLButtonElement} */ (h('button', { part: 'button', type: 'submit' }, t.run));
    this.form = h(
      'form',
      {
        part: 'form',
        hidden: this.hasAttribute('no-form'),
        onsubmit: (/** @type {Event} */ e) => (e.preventDefault(), this.run()),
      },
      h('label', { for: id, part: 'label' }, t.domainLabel),
      this.field,
      this.button,
    );
    this.statusText = h('span');
    this.bar = /** @type {HTMLProgressElement} */ (
      h('progress', { part: 'progress', max: '100', 'aria-label': t.progressLabel, hidden: true })
    );
    // The status line is a polite live region: progress is announced without stealing focus.
    this.status = h('div', { class: 'status', part: 'status', role: 'status', 'aria-live': 'polite' }, this.statusText);
    this.errorBox = h('div', { class: 'alert', part: 'error', role: 'alert' });
    this.report = h('section', { part: 'report', 'aria-live': 'off' });
    this.shadowRoot?.append(this.form, this.status, this.bar, this.errorBox, this.report);
    if (this.hasAttribute('autorun') && this.field.value) queueMicrotask(() => this.run());
  }

  disconnectedCallback() {
    this.stop?.();
  }

  attributeChangedCallback(
    /** @type {string} */ name,
    /** @type {string|null} */ _old,
    /** @type {string|null} */ value,
  ) {
    if (name === 'domain' && this.field) this.field.value = value || '';
  }

  /** Submit the check and follow it to the end. Resolves with the final check (or undefined on error). */
  async run() {
    if (this.getAttribute('aria-busy') === 'true') return undefined;
    const t = this.t;
    const script = new URL(import.meta.url);
    const endpoint = (this.getAttribute('endpoint') || script.origin).replace(/\/+$/, '');
    const key = this.getAttribute('key') || '';
    const kind = this.getAttribute('kind') || '';
    const domain = String(this.field?.value || this.getAttribute('domain') || this.input.domain || '')
      .trim()
      .toLowerCase()
      .replace(/\.$/, '');
    this.stop?.();
    this.setError('');
    this.report?.replaceChildren();
    if (!key || !kind) return this.fail(new WidgetError('CONFIG'));
    const host = this.getAttribute('host');
    const own = { ...this.input, ...(domain ? { domain } : {}), ...(host ? { host } : {}) };
    if (
      domain &&
      !/^(?=.{1,253}$)([a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/i.test(domain) &&
      !/[\u0080-\uffff]/.test(domain)
    ) {
      return this.fail(new WidgetError('VALIDATION_FAILED', '', { errors: [{ field: 'domain' }] }), domain);
    }
    this.busy(true);
    this.say(t.running);
    try {
      const field = kind.replace(/[-_](\w)/g, (_, c) => c.toUpperCase());
      const data = await gql(
        endpoint,
        key,
        'mutation ($i: SubmitCheckInput!) { submitCheck(input: $i) { id status } }',
        { i: { kind, [field]: own } },
      );
      const id = data.submitCheck.id;
      const final = await new Promise((resolve, reject) => {
        let polling = false;
        const poll = async () => {
          polling = true;
          for (;;) {
            const c = (await gql(endpoint, key, `query ($id: ID!) { check(id: $id) { ${FIELDS} } }`, { id })).check;
            this.update(c);
            if (c.status === 'completed' || c.status === 'failed') return c;
            await new Promise((r) => setTimeout(r, 1500));
          }
        };
        this.stop = subscribe(
          endpoint,
          key,
          id,
          (c) => {
            this.update(c);
            if (c.status === 'completed' || c.status === 'failed') resolve(c);
          },
          (ok, err) => {
            if (err) reject(err);
            else if (!ok && !polling)
              poll().then(resolve, reject); // socket refused or dropped: poll instead
            else if (ok && this.check?.status !== 'completed' && this.check?.status !== 'failed')
              poll().then(resolve, reject);
          },
        );
      });
      this.finish(final);
      return final;
    } catch (e) {
      this.fail(
        e instanceof WidgetError ? e : new WidgetError('UNEXPECTED', String(/** @type {Error} */ (e)?.message || e)),
        domain,
        kind,
      );
      return undefined;
    } finally {
      this.busy(false);
    }
  }

  busy(/** @type {boolean} */ on) {
    if (this.button) {
      // aria-disabled, not disabled: a disabled button drops keyboard focus to <body>.
      this.button.setAttribute('aria-disabled', String(on));
      this.button.textContent = on ? this.t.running : this.t.run;
    }
    this.setAttribute('aria-busy', String(on));
  }

  say(/** @type {string} */ text) {
    if (this.statusText && this.statusText.textContent !== text) this.statusText.textContent = text;
  }

  setError(/** @type {string} */ text) {
    if (this.errorBox) this.errorBox.textContent = text;
  }

  /** @param {Check} c */
  update(c) {
    this.check = c;
    const t = this.t;
    if (c.status === 'queued') this.say(t.queued);
    else if (c.status === 'running') this.say(t.phase(c.phase || t.running, c.progress ?? undefined));
    if (this.bar) {
      this.bar.hidden = c.status === 'completed' || c.status === 'failed';
      if (typeof c.progress === 'number') this.bar.value = c.progress;
      else this.bar.removeAttribute('value');
    }
    this.dispatchEvent(new CustomEvent('smtp-doctor-progress', { detail: c, bubbles: true, composed: true }));
  }

  /** @param {WidgetError} e @param {string} [domain] @param {string} [kind] */
  fail(e, domain = '', kind = '') {
    const t = this.t;
    const x = /** @type {any} */ (e.extra || {});
    const fields = (x.errors || []).map((/** @type {any} */ f) => String(f.field || ''));
    let text;
    if (e.code === 'NETWORK') text = t.errNetwork;
    else if (e.code === 'RATE_LIMITED' || e.code === 'QUOTA_EXCEEDED') text = t.errRateLimit(x.retryAfter);
    else if (e.code === 'UNAUTHENTICATED') text = t.errKey;
    else if (e.code === 'FORBIDDEN') text = t.errForbidden;
    else if (e.code === 'SERVICE_UNAVAILABLE') text = t.errUnavailable;
    else if (e.code === 'CONFIG') text = t.errConfig;
    else if (e.code === 'CHECK_FAILED') text = t.errFailed(e.message);
    else if (
      (e.code === 'VALIDATION_FAILED' || e.code === 'UNKNOWN_KIND') &&
      fields.some((/** @type {string} */ f) => /kind$/.test(f))
    )
      text = t.errKind(kind || this.getAttribute('kind') || '');
    else if (e.code === 'VALIDATION_FAILED' && fields.some((/** @type {string} */ f) => /domain|host/.test(f)))
      text = t.errBadDomain(domain);
    else text = t.errUnexpected(e.message);
    this.bar && (this.bar.hidden = true);
    this.say('');
    this.setError(text);
    this.dispatchEvent(
      new CustomEvent('smtp-doctor-error', { detail: { code: e.code, message: text }, bubbles: true, composed: true }),
    );
  }

  /** @param {Check} c */
  finish(c) {
    if (c.status === 'failed') return this.fail(new WidgetError('CHECK_FAILED', c.error || 'unknown error'));
    const t = this.t;
    const problems = c.findings.filter((f) => f.severity !== 'info').length;
    this.say(t.done(problems));
    const hadFocus = this.matches(':focus-within');
    const heading = h(
      'h3',
      { part: 'summary', tabindex: '-1' },
      h(
        'span',
        { class: `badge ${c.verdict}`, part: `verdict verdict-${c.verdict}` },
        t.verdict[/** @type {keyof typeof t.verdict} */ (c.verdict)] || c.verdict || '',
      ),
      ` ${c.target || ''} · ${typeof c.score === 'number' ? t.score(c.score) : ''}`,
    );
    // Root cause first (src/findings/grading.ts): the finding that makes others follow carries the
    // codes it implies in `folded` (a health report also names it in result.rootCause).
    const rootCode = typeof c.result?.rootCause === 'string' ? c.result.rootCause : undefined;
    const causes = c.findings.filter((f) => f.folded?.length || f.code === rootCode);
    const cause = causes.length
      ? h(
          'section',
          { part: 'root-cause' },
          h('h4', {}, t.rootCause),
          h(
            'ul',
            {},
            causes.map((f) => this.renderFinding(f)),
          ),
        )
      : null;
    const groups = SEVERITIES.map((s) => {
      const items = c.findings.filter((f) => f.severity === s && !causes.includes(f));
      if (!items.length) return null;
      const list = h(
        'ul',
        {},
        items.map((f) => this.renderFinding(f)),
      );
      // Notes (info) are folded: they are context, not problems.
      if (s === 'info')
        return h(
          'details',
          { part: 'group group-info' },
          h('summary', {}, `${t.severity.info} (${items.length})`),
          list,
        );
      return h('section', { part: `group group-${s}` }, h('h4', {}, `${t.severity[s]} (${items.length})`), list);
    });
    const logs = transcripts(c.result).map((x) =>
      h(
        'details',
        { part: 'transcript' },
        h('summary', {}, t.transcript(x.where)),
        h('pre', {}, x.lines.map((l) => `${l.dir ?? ''} ${l.line ?? JSON.stringify(l)}`).join('\n')),
      ),
    );
    this.report?.replaceChildren(
      heading,
      ...(c.findings.length ? [cause, ...groups].filter(Boolean) : [h('p', {}, t.noFindings)]),
      ...logs,
    );
    // Keyboard users who started the check land on its result.
    if (hadFocus) heading.focus();
    this.dispatchEvent(new CustomEvent('smtp-doctor-complete', { detail: c, bubbles: true, composed: true }));
  }

  /** @param {Finding} f */
  renderFinding(f) {
    const t = this.t;
    const record = suggestedRecord(f.remediation || '');
    const recId = `sdc-rec-${this.uid}-${++uid}`;
    let copyBtn;
    if (record) {
      // Named by its visible text (WCAG 2.5.3 label in name); the record is its description.
      copyBtn = h('button', { class: 'copy', type: 'button', part: 'copy-button', 'aria-describedby': recId }, t.copy);
      copyBtn.addEventListener('click', async () => {
        try {
          await navigator.clipboard.writeText(record);
        } catch {
          // Clipboard API refused (insecure context, permissions): select the text for Ctrl+C instead.
          const r = document.createRange();
          r.selectNodeContents(/** @type {Node} */ (copyBtn?.previousSibling));
          getSelection()?.removeAllRanges();
          getSelection()?.addRange(r);
        }
        if (copyBtn) copyBtn.textContent = t.copied;
        setTimeout(() => copyBtn && (copyBtn.textContent = t.copy), 2000);
      });
    }
    return h(
      'li',
      { class: `sev-${f.severity}`, part: `finding finding-${f.severity}` },
      h('p', { class: 'title', part: 'finding-title' }, f.title, ' ', h('span', { class: 'code' }, f.code)),
      f.detail ? h('p', { part: 'finding-detail' }, f.detail) : null,
      f.remediation
        ? h('p', { part: 'finding-remediation' }, h('strong', {}, `${t.remediation}: `), f.remediation)
        : null,
      record
        ? h(
            'div',
            { class: 'record', part: 'record' },
            h('span', {}, `${t.suggested}:`),
            h('code', { id: recId }, record),
            copyBtn,
          )
        : null,
      // The findings this cause implies: collapsed, named by title when known, always by code.
      f.folded?.length
        ? h(
            'details',
            { part: 'implied' },
            h('summary', {}, t.implied(f.code, f.folded.length)),
            h(
              'ul',
              {},
              f.folded.map((code) =>
                h(
                  'li',
                  { part: 'implied-finding' },
                  this.titles[code] ? `${this.titles[code]} ` : '',
                  h('span', { class: 'code' }, code),
                ),
              ),
            ),
          )
        : null,
    );
  }
}

if (!customElements.get('smtp-doctor-check')) customElements.define('smtp-doctor-check', SmtpDoctorCheck);
