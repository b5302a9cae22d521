import { Parser } from 'htmlparser2';
import { isRawIpHost, registrableDomain } from './url.analysis';

/**
 * One streaming pass over the HTML body: the text a reader sees, the text hidden from them (white
 * or tiny fonts, display:none), links whose visible text names another domain than the href, and
 * images (tracking pixels are 1x1 or hidden images). All collections are capped.
 */
export interface HtmlLink {
  href: string;
  text: string;
}
export interface HtmlImage {
  src: string;
  pixel: boolean;
}

export interface HtmlReport {
  visibleText: string;
  hiddenChars: number;
  hiddenSample: string;
  hiddenReasons: string[];
  links: HtmlLink[];
  mismatchedLinks: (HtmlLink & { textDomain: string; hrefDomain: string })[];
  images: HtmlImage[];
  trackingPixels: number;
}

const MAX_TEXT = 200_000;
const MAX_ITEMS = 500;
const SKIP = new Set(['style', 'script', 'head', 'title', 'noscript', 'template']);
const BLOCK = new Set([
  'p',
  'div',
  'br',
  'tr',
  'td',
  'li',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'table',
  'section',
  'blockquote',
]);

interface Frame {
  tag: string;
  hidden?: string;
  color?: string;
  background?: string;
  skip: boolean;
  link?: { href: string; text: string };
}

function styleOf(attribs: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const decl of (attribs.style ?? '').split(';').slice(0, 50)) {
    const i = decl.indexOf(':');
    if (i > 0) {
      // Not /\s*!important$/: from every offset of a long run of blanks that regex rescans the run.
      const value = decl
        .slice(i + 1)
        .trim()
        .toLowerCase();
      out[decl.slice(0, i).trim().toLowerCase()] = value.endsWith('!important')
        ? value.slice(0, -'!important'.length).trimEnd()
        : value;
    }
  }
  return out;
}

/** Colour names and notations normalised to 6-digit hex where we can; otherwise the input. */
export function normColor(c: string | undefined): string | undefined {
  if (!c) return undefined;
  const v = c.trim().toLowerCase();
  if (v === 'white') return '#ffffff';
  if (v === 'black') return '#000000';
  const short = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/.exec(v);
  if (short) return `#${short[1]}${short[1]}${short[2]}${short[2]}${short[3]}${short[3]}`;
  const rgb = /^rgba?\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)/.exec(v);
  if (rgb) return `#${[rgb[1], rgb[2], rgb[3]].map((n) => Number(n).toString(16).padStart(2, '0')).join('')}`;
  return v;
}

function px(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*(px|pt|em|rem|%)?$/.exec(v.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  if (m[2] === 'em' || m[2] === 'rem') return n * 16;
  if (m[2] === '%') return undefined;
  return n;
}

export function analyzeHtml(html: string): HtmlReport {
  const rep: HtmlReport = {
    visibleText: '',
    hiddenChars: 0,
    hiddenSample: '',
    hiddenReasons: [],
    links: [],
    mismatchedLinks: [],
    images: [],
    trackingPixels: 0,
  };
  const stack: Frame[] = [{ tag: '#root', skip: false, background: '#ffffff' }];
  const top = () => stack[stack.length - 1]!;
  let text = '';
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        const parent = top();
        const st = styleOf(attribs);
        const frame: Frame = {
          tag: name,
          skip: parent.skip || SKIP.has(name),
          color: parent.color,
          background: parent.background,
          hidden: parent.hidden,
        };
        const bg = normColor(
          attribs.bgcolor ??
            st['background-color'] ??
            (st.background && /^(#|rgb|[a-z]+$)/.test(st.background) ? st.background : undefined),
        );
        if (bg) frame.background = bg;
        const color = normColor(name === 'font' ? (attribs.color ?? st.color) : st.color);
        if (color) frame.color = color;
        if (!frame.hidden) {
          if (st.display === 'none' || attribs.hidden !== undefined) frame.hidden = 'display:none';
          else if (st.visibility === 'hidden') frame.hidden = 'visibility:hidden';
          else if (st.opacity !== undefined && Number(st.opacity) === 0) frame.hidden = 'opacity:0';
          else if ((px(st['font-size']) ?? 99) < 3) frame.hidden = `font-size:${st['font-size']}`;
          else if (
            name === 'font' &&
            attribs.size !== undefined &&
            /^\s*-/.test(attribs.size) === false &&
            Number(attribs.size) === 0
          )
            frame.hidden = 'font size=0';
          else if (frame.color && frame.background && frame.color === frame.background)
            frame.hidden = `text colour ${frame.color} on background ${frame.background}`;
        }
        if (BLOCK.has(name)) text += ' ';
        if (name === 'a' && attribs.href) frame.link = { href: attribs.href.trim(), text: '' };
        if (name === 'img') {
          const w = px(attribs.width) ?? px(st.width);
          const h = px(attribs.height) ?? px(st.height);
          const pixel =
            (w !== undefined && w <= 1 && (h === undefined || h <= 1)) ||
            (h !== undefined && h <= 1 && w === undefined) ||
            st.display === 'none';
          if (pixel) rep.trackingPixels++;
          if (rep.images.length < MAX_ITEMS) rep.images.push({ src: (attribs.src ?? '').slice(0, 2000), pixel });
        }
        stack.push(frame);
      },
      ontext(data) {
        const f = top();
        if (f.skip) return;
        const compact = data.replace(/\s+/g, ' ');
        const chars = compact.replace(/\s/g, '').length;
        if (f.hidden) {
          if (chars > 0) {
            rep.hiddenChars += chars;
            if (rep.hiddenSample.length < 300) rep.hiddenSample += compact.slice(0, 300 - rep.hiddenSample.length);
            if (!rep.hiddenReasons.includes(f.hidden) && rep.hiddenReasons.length < 10)
              rep.hiddenReasons.push(f.hidden);
          }
          return;
        }
        if (text.length < MAX_TEXT) text += compact;
        for (let i = stack.length - 1; i >= 0; i--) {
          const l = stack[i]!.link;
          if (l) {
            if (l.text.length < 500) l.text += compact;
            break;
          }
        }
      },
      onclosetag(name) {
        // htmlparser2 reports implied closes too, so frames stay balanced; guard against stray ones.
        let i = stack.length - 1;
        while (i > 0 && stack[i]!.tag !== name) i--;
        if (i === 0) return;
        while (stack.length > i) {
          const f = stack.pop()!;
          if (f.link && rep.links.length < MAX_ITEMS) {
            const link = { href: f.link.href.slice(0, 2000), text: f.link.text.trim().slice(0, 300) };
            rep.links.push(link);
            checkMismatch(link, rep);
          }
        }
        if (BLOCK.has(name)) text += ' ';
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  rep.visibleText = text.replace(/\s+/g, ' ').trim();
  return rep;
}

const DOMAIN_TEXT = /^(?:https?:\/\/)?((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63})(?:[/:?#]\S*)?$/i;

/** Link text that itself reads as a URL or domain must lead there (phishing tell). */
function checkMismatch(link: HtmlLink, rep: HtmlReport): void {
  const m = DOMAIN_TEXT.exec(link.text);
  if (!m || !/^https?:/i.test(link.href)) return;
  const textDomain = registrableDomain(m[1]!);
  let hrefDomain: string | undefined;
  try {
    const host = new URL(link.href).hostname;
    // A bare IP behind a domain-looking text is the same deception.
    hrefDomain = isRawIpHost(host) ? host : registrableDomain(host);
  } catch {
    return;
  }
  if (textDomain && hrefDomain && textDomain !== hrefDomain && rep.mismatchedLinks.length < 50)
    rep.mismatchedLinks.push({ ...link, textDomain, hrefDomain });
}
