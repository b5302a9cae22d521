/**
 * Pulls the reply code, enhanced status code and text out of a reply as servers send it and as
 * MTAs and clients quote it in bounces and logs:
 *   - RFC 5321 §4.2.1 multi-line replies: "550-5.1.1 first line" ... "550 5.1.1 last line";
 *   - Postfix: "host mx.example.com[192.0.2.1] said: 550 5.1.1 ... (in reply to RCPT TO command)";
 *   - Exim: "SMTP error from remote mail server after RCPT TO:<u@x>:\n  host mx [ip]: 550 ...";
 *   - Sendmail: ">>> RCPT To:<u@x>\n<<< 550 5.1.1 <u@x>... User unknown";
 *   - Exchange: "Remote Server returned '550 5.1.1 RESOLVER.ADR.RecipNotFound'", "#550 5.1.1 ...##";
 *   - DSN fields: "Diagnostic-Code: smtp; 550 5.1.1 ..." (RFC 3464 §2.3.6).
 */
export interface ParsedReply {
  code: number | null;
  /** RFC 3463 class.subject.detail, e.g. "5.1.1". */
  enhancedStatus: string | null;
  /** The reply text without codes, continuation lines joined by a space. */
  message: string;
  /** The SMTP command the reply answered, when the quoting MTA says so (e.g. "RCPT TO"). */
  command?: string;
  remoteHost?: string;
  remoteIp?: string;
  /** The whole cleaned text on one line, for wording patterns. */
  normalized: string;
}

// RFC 3463 §2: class "." subject "." detail; subject and detail 1-3 digits. The look-arounds keep
// IP addresses and version numbers (1.2.3.4) from being read as status codes.
const ENHANCED = /(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?!\.?\d)/;
// Applied to one line at a time: [^]* (not .*) takes the rest of it, so a stray line separator
// (U+2028) cannot make the engine retry every split of a long run of blanks or dashes.
const REPLY_LINE =
  /^\s*(?:<<<\s*|out:\s*|[#'"(]\s*)?([2-5][0-5]\d)(?:[ -]+|$)(?:#?([245]\.\d{1,3}\.\d{1,3})(?!\.?\d)[ -]*)?([^]*)$/;
const INLINE_BOTH = /(?:^|[\s:;('"[#<>])([2-5][0-5]\d)[ -]+#?([245]\.\d{1,3}\.\d{1,3})(?!\.?\d)/;
const INLINE_BASIC =
  /(?:said|returned|reply|response|responded|error|failure|status|smtp;)\W{0,6}([2-5][0-5]\d)(?![\d.])/i;

const COMMAND_PATTERNS: RegExp[] = [
  // [^()] rather than .: a text of many "(in reply to " without ")" is read once, not once per opening.
  /\(in reply to (?:the )?([^()]+?)(?: command)?\)/i,
  /(?:after|in response to|while sending) (RCPT TO|MAIL FROM|DATA|end of data|EHLO|HELO|STARTTLS|AUTH|initial connection|pipelined \w+(?: \w+)?)/i,
  /^>>>\s*(RCPT TO|MAIL FROM|DATA|EHLO|HELO|STARTTLS|AUTH|QUIT)\b/im,
];

function cleanLine(line: string): string {
  return (
    line
      .replace(/^\s*Diagnostic-Code:\s*/i, '')
      .replace(/^\s*(?:smtp|x-postfix|x-unix|x-local|mailer|x-notes|x-qmail)\s*;\s*/i, '')
      // The quoting MTA's prefix goes, unless the line is itself a reply that quotes the next
      // hop ("450 4.1.1 ... unverified address: host mx[ip] said: 550 ..."): then the outer code
      // stays (its class is what the sending MTA does) and the knowledge base reads the inner one.
      .replace(/^.*?\bhost\s+[\w.-]+\s*\[[0-9a-f.:]+\]\s*(?:said)?:\s*/i, (m) => (/^\s*[245]\d\d[ -]/.test(m) ? m : ''))
      .replace(/^.*?remote server returned\s*/i, '')
      // Blanks around the note are collapsed later; "\s*" on both sides is quadratic on a run of blanks.
      .replace(/\(in reply to [^()]*\)/gi, ' ')
      // (?<!#): start at the first "#" of a run only, not at each one of a long run.
      .replace(/(?<!#)##+\s*$/, '')
      .trim()
  );
}

/** Parse one reply or NDR excerpt. Never throws; a text without codes yields nulls. */
export function parseReply(text: string): ParsedReply {
  const raw = text.replace(/\r\n?/g, '\n').slice(0, 64 * 1024);
  const out: ParsedReply = { code: null, enhancedStatus: null, message: '', normalized: '' };

  for (const re of COMMAND_PATTERNS) {
    const m = re.exec(raw);
    if (m) {
      out.command = m[1].replace(/\s+/g, ' ').toUpperCase();
      break;
    }
  }
  const host =
    /\bhost\s+([a-z0-9][\w.-]*)\s*\[([0-9a-f.:]+)\]/i.exec(raw) ??
    /\b(?:talking to|from)\s+([a-z0-9][\w-]*\.[\w.-]+)\.?\s*\[([0-9a-f.:]+)\]/i.exec(raw);
  if (host) {
    out.remoteHost = host[1].replace(/\.$/, '').toLowerCase();
    out.remoteIp = host[2];
  }

  // Runs of blank lines go in the split itself (they are dropped below anyway): a text of
  // thousands of newlines is not turned into thousands of strings.
  const lines = raw
    .split(/\n(?:[ \t]*\n)*/)
    .filter((l) => l.trim().length > 0 && !/^\s*>>>/.test(l))
    .map(cleanLine)
    .filter((l) => l.length > 0);

  const messageParts: string[] = [];
  let inReply = false;
  for (const line of lines) {
    const m = REPLY_LINE.exec(line);
    // In a session transcript ("Out: 250 ... Out: 451 ..."), the first failure is the answer.
    if (m && out.code !== null && out.code < 400 && Number(m[1]) >= 400) {
      out.code = null;
      out.enhancedStatus = null;
      messageParts.length = 0;
    }
    if (m && (out.code === null || Number(m[1]) === out.code)) {
      out.code ??= Number(m[1]);
      out.enhancedStatus ??= m[2] ?? null;
      inReply = true;
      messageParts.push(m[3].trim());
    } else if (inReply && out.code !== null && !m) {
      // Wrapped continuation of the last reply line (MTAs fold long replies without codes).
      if (/^\s*[\w<("'[]/.test(line) && messageParts.length < 20) messageParts.push(line);
      else inReply = false;
    } else inReply = false;
  }

  // Codes of continuation lines removed, so wording split across "550-" lines reads as one.
  const flat = lines
    .map((l) => REPLY_LINE.exec(l)?.[3] ?? l)
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (out.code === null) {
    const both = INLINE_BOTH.exec(flat);
    // (no reply line: the codes are still in `flat`)
    if (both) {
      out.code = Number(both[1]);
      out.enhancedStatus = both[2];
      messageParts.push(flat.slice(both.index + both[0].length).trim());
    } else {
      const basic = INLINE_BASIC.exec(flat);
      if (basic) out.code = Number(basic[1]);
      messageParts.push(flat);
    }
  }
  if (out.enhancedStatus === null) {
    const enh = ENHANCED.exec(messageParts.join(' ')) ?? ENHANCED.exec(flat);
    if (enh) out.enhancedStatus = `${enh[1]}.${Number(enh[2])}.${Number(enh[3])}`;
  }
  // A leading enhanced code repeated inside the text ("550 5.1.1 5.1.1 <x>...") is noise.
  out.message = messageParts
    .join(' ')
    .replace(/^(?:#?[245]\.\d{1,3}\.\d{1,3}\s+)+/, '')
    .replace(/\s+/g, ' ')
    .trim();
  out.normalized = [out.code, out.enhancedStatus, flat].filter((x) => x !== null && x !== '').join(' ');
  return out;
}
