/** The message as SpamAssassin's rule types see it; strings are byte strings (latin1). */
export interface SaMessage {
  /** Header fields in order: name as written, value unfolded and decoded (RFC 2047), raw value. */
  headers: { name: string; key: string; value: string; raw: string }[];
  /** Rendered body: the Subject, then one entry per paragraph of the text parts. */
  bodyLines: string[];
  /** Decoded, not rendered, text parts, line by line. */
  rawLines: string[];
  uris: string[];
  full: string;
}
