/**
 * A reader for SpamAssassin's rule files (Mail::SpamAssassin::Conf syntax, the .cf files the
 * Debian package `spamassassin` ships in /usr/share/spamassassin, Apache-2.0): rule definitions,
 * scores, descriptions, tflags, ReplaceTags templates and the if/ifplugin/else/endif blocks.
 * Pure: text in, a configuration out. Hand-written because no package reads this format outside
 * Perl. Conditions are decided for the plugin set and version of the spamd we compare with
 * (Debian's SpamAssassin 4.0.1 with its default .pre files).
 */
import { evalMeta, parseMeta } from './meta-expr';

/** Plugins Debian's /etc/spamassassin/*.pre load (v310.pre ... v401.pre, SpamAssassin 4.0.1). */
export const LOADED_PLUGINS: ReadonlySet<string> = new Set(
  [
    'URIDNSBL',
    'SPF',
    'Pyzor',
    'Razor2',
    'SpamCop',
    'AutoLearnThreshold',
    'WelcomeListSubject',
    'MIMEHeader',
    'ReplaceTags',
    'DKIM',
    'Check',
    'HTTPSMismatch',
    'URIDetail',
    'Bayes',
    'BodyEval',
    'DNSEval',
    'HTMLEval',
    'HeaderEval',
    'MIMEEval',
    'RelayEval',
    'URIEval',
    'WLBLEval',
    'VBounce',
    'ImageInfo',
    'FreeMail',
    'AskDNS',
    'HashBL',
    'DMARC',
  ].map((p) => `Mail::SpamAssassin::Plugin::${p}`),
);
const VERSION = 4.000001;

export type RuleType = 'header' | 'body' | 'rawbody' | 'uri' | 'full' | 'meta' | 'mimeheader';

export interface RuleDef {
  name: string;
  type: RuleType;
  /** The definition after the rule name, as written. */
  def: string;
  file: string;
}

export interface CfConfig {
  rules: Map<string, RuleDef>;
  /** Score set 0 (no Bayes, no network tests): the first of the four values. */
  scores: Map<string, number>;
  describe: Map<string, string>;
  tflags: Map<string, string>;
  replaceTag: Map<string, string>;
  replacePre: Map<string, string>;
  replacePost: Map<string, string>;
  replaceInter: Map<string, string>;
  replaceRules: Set<string>;
  /** enlist_addrlist (LIST) glob...: address lists of the WLBLEval plugin's check_*_in_list. */
  addrlists: Map<string, string[]>;
}

const RULE_TYPES: ReadonlySet<string> = new Set(['header', 'body', 'rawbody', 'uri', 'full', 'meta', 'mimeheader']);

/** The value of an `if` condition: version, plugin(...) and can(...) (every feature of 4.0.1). */
export function ifCondition(expr: string): boolean {
  const numeric = expr
    .replace(/\bversion\b/g, String(VERSION))
    .replace(/\bplugin\(\s*([\w:]+)\s*\)/g, (_, p: string) => (LOADED_PLUGINS.has(p) ? '1' : '0'))
    .replace(/\bcan\(\s*([\w:]+)\s*\)/g, (_, p: string) => {
      // can(Mail::SpamAssassin::Plugin::X::method): the plugin must be loaded.
      const plugin = /^(Mail::SpamAssassin::Plugin::\w+)::/.exec(p)?.[1];
      return plugin && !LOADED_PLUGINS.has(plugin) ? '0' : '1';
    });
  const tree = parseMeta(numeric);
  return tree ? evalMeta(tree, () => 0) !== 0 : false;
}

function stripComment(text: string): string {
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '#') return text.slice(0, i).trimEnd();
  }
  return text.trimEnd();
}

export function parseCf(files: { name: string; text: string }[]): CfConfig {
  const cfg: CfConfig = {
    rules: new Map(),
    scores: new Map(),
    describe: new Map(),
    tflags: new Map(),
    replaceTag: new Map(),
    replacePre: new Map(),
    replacePost: new Map(),
    replaceInter: new Map(),
    replaceRules: new Set(),
    addrlists: new Map(),
  };
  for (const file of files) {
    // Each entry: is this block read? (A block inside an unread one is unread too.)
    const stack: boolean[] = [];
    const active = () => stack.every(Boolean);
    for (const rawLine of file.text.split('\n')) {
      const line = rawLine.trim();
      if (line === '' || line.startsWith('#')) continue;
      const sp = line.search(/\s/);
      const word = (sp < 0 ? line : line.slice(0, sp)).toLowerCase();
      const rest = sp < 0 ? '' : line.slice(sp).trimStart();
      if (word === 'ifplugin') {
        stack.push(LOADED_PLUGINS.has(rest.split(/\s/)[0]!));
        continue;
      }
      if (word === 'if') {
        stack.push(ifCondition(cutAt(rest, '#')));
        continue;
      }
      if (word === 'else') {
        if (stack.length) stack[stack.length - 1] = !stack[stack.length - 1];
        continue;
      }
      if (word === 'endif') {
        stack.pop();
        continue;
      }
      if (!active()) continue;
      // Comments: SpamAssassin's parser drops everything from an unescaped "#" (rules write \#).
      const body = stripComment(rest);
      const nsp = body.search(/\s/);
      const name = nsp < 0 ? body : body.slice(0, nsp);
      const value = nsp < 0 ? '' : body.slice(nsp).trimStart();
      if (RULE_TYPES.has(word)) {
        cfg.rules.set(name, { name, type: word as RuleType, def: value, file: file.name });
      } else if (word === 'score') {
        const n = Number(value.split(/\s+/)[0]);
        if (Number.isFinite(n)) cfg.scores.set(name, n);
      } else if (word === 'describe') cfg.describe.set(name, value);
      else if (word === 'tflags') cfg.tflags.set(name, value);
      else if (word === 'replace_tag') cfg.replaceTag.set(name, value);
      else if (word === 'replace_pre') cfg.replacePre.set(name, value);
      else if (word === 'replace_post') cfg.replacePost.set(name, value);
      else if (word === 'replace_inter') cfg.replaceInter.set(name, value);
      else if (word === 'replace_rules') for (const r of body.split(/\s+/)) cfg.replaceRules.add(r);
      else if (word === 'enlist_addrlist') {
        const list = /^\((\w+)\)$/.exec(name)?.[1];
        if (list) cfg.addrlists.set(list, [...(cfg.addrlists.get(list) ?? []), ...value.split(/\s+/).filter(Boolean)]);
      }
    }
  }
  return cfg;
}

/** Mail::SpamAssassin::Plugin::ReplaceTags finish_parsing_end, on a pattern's text. */
export function replaceTags(re: string, cfg: CfConfig): string {
  let out = re;
  for (let pass = 0; pass <= 5; pass++) {
    let again = false;
    let pre: string | undefined;
    let post: string | undefined;
    let inter: string | undefined;
    out = out.replace(/<pre ([^<>]+?)>/, (_, n: string) => ((pre = n), ''));
    out = out.replace(/<post ([^<>]+?)>/, (_, n: string) => ((post = n), ''));
    out = out.replace(/<inter ([^<>]+?)>/, (_, n: string) => ((inter = n), ''));
    const parts = out.split(/(<[^<>]+>)/);
    // Perl's split drops trailing empty fields.
    while (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
    const preV = pre !== undefined ? cfg.replacePre.get(pre) : undefined;
    const postV = post !== undefined ? cfg.replacePost.get(post) : undefined;
    const interV = inter !== undefined ? cfg.replaceInter.get(inter) : undefined;
    for (let i = 0; i < parts.length; i++) {
      let p = parts[i]!;
      const isTag = /^<[^<>]+>$/.test(p);
      if (isTag && preV) p = preV + p;
      if (isTag && postV) p = p + postV;
      if (!isTag && p === '' && interV) p = interV;
      const tag = /<([^<>]+?)>/.exec(p)?.[1];
      const rep = tag !== undefined ? cfg.replaceTag.get(tag) : undefined;
      if (tag !== undefined && rep) {
        p = p.split(`<${tag}>`).join(rep);
        if (/<[^>]+>/.test(rep)) again = true;
      }
      parts[i] = p;
    }
    out = parts.join('');
    if (!again) break;
  }
  return out;
}

/** `s` up to the first `c` (a comment mark, say), without a backtracking pattern. */
function cutAt(s: string, c: string): string {
  const i = s.indexOf(c);
  return i < 0 ? s : s.slice(0, i);
}
