/**
 * Words split by markup that renders as nothing: "VI<!-- x -->AGRA", "mi<foo>llion",
 * "10<b></b>0%", "V<? x >IA". A browser shows the whole word, while a filter reading the source
 * sees fragments; the only reason to write it is to dodge word lists (SpamAssassin bug 6168,
 * its HTML_OBFUSCATE family). Real formatting inside a word ("<b>S</b>ale") is not counted: the
 * splitter must be a comment, a processing instruction or bogus comment ("<!x>", "<?x>"), an
 * empty tag ("<>", "</>", "</ x>"), a tag whose name is not an HTML element, or an element that is
 * opened and closed with nothing inside.
 */
export interface ObfuscationReport {
  splits: number;
  samples: string[];
}

/** HTML elements (WHATWG HTML plus common legacy ones mail still uses). */
const ELEMENTS = new Set(
  `a abbr acronym address area article aside audio b base basefont bdi bdo big blink blockquote body br button
canvas caption center cite code col colgroup data datalist dd del details dfn dialog dir div dl dt em embed fieldset figcaption figure
font footer form frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html i iframe img input ins kbd label legend li link main map
mark marquee menu meta meter nav nobr noframes noscript object ol optgroup option output p param picture pre progress q rp rt ruby s samp
script section select small source span strike strong style sub summary sup table tbody td template textarea tfoot th thead time title
tr track tt u ul var video wbr o:p v:shape xml`.split(/\s+/),
);

const MAX_HTML = 2 * 1024 * 1024;
const MAX_SAMPLES = 5;
/** One markup run between two word characters; each piece is bounded so the scan stays linear. */
/**
 * HTML tokenizer rules (WHATWG §13.2.5): "<" followed by a letter opens a tag, "</" a close tag
 * (or, when no letter follows, a bogus comment that renders nothing), "<!" and "<?" bogus comments;
 * "<" followed by a space or ">" is plain text, so "OPPO< >RTUNITY" is not a split.
 */
// Each tag of a run has one reading only (a comment ends at its first "-->", "<!" that is not
// "<!--" is a bogus comment), so a run of many tags is not re-read in every grouping
// (exponential); the name of a tag is taken whole before the rest of it (quadratic otherwise).
const SPLIT =
  /([A-Za-z0-9])((?:<(?:!--(?:(?!-->)[^]){0,300}--|!(?!--)[^<>]{0,200}|\?[^<>]{0,200}|\/[^<>]{0,200}|[A-Za-z][^<>]{0,200})>)+)(?=[A-Za-z0-9])/g;
const TAG =
  /<(?:!--(?:(?!-->)[^]){0,300}--|!(?!--)[^<>]*|\?[^<>]*|(\/)?(?:([A-Za-z][A-Za-z0-9:-]*)(?![A-Za-z0-9:-]))?[^<>]*)>/g;

function invisible(run: string): boolean {
  const opened: string[] = [];
  for (const m of run.matchAll(TAG)) {
    const [whole, slash, name] = m;
    if (whole.startsWith('<!') || whole.startsWith('<?')) continue; // comment, bogus comment, PI
    if (!name) continue; // "<>", "</>", "</ x>": empty tags
    const n = name.toLowerCase();
    if (!ELEMENTS.has(n)) continue; // not an element: renders as nothing
    if (!slash) {
      opened.push(n);
      continue;
    }
    // A close tag is harmless only when it closes an element opened in the same run (empty pair).
    if (opened.pop() !== n) return false;
  }
  return opened.length === 0;
}

export function analyzeObfuscation(html: string): ObfuscationReport {
  const src = html.length > MAX_HTML ? html.slice(0, MAX_HTML) : html;
  const rep: ObfuscationReport = { splits: 0, samples: [] };
  for (const m of src.matchAll(SPLIT)) {
    if (!invisible(m[2]!)) continue;
    rep.splits++;
    if (rep.samples.length < MAX_SAMPLES) rep.samples.push(`${m[1]}${m[2]!.slice(0, 60)}`);
  }
  return rep;
}
