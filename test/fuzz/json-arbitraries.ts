import fc from 'fast-check';

/**
 * Hostile JSON for fuzzing, built as text so that keys like `__proto__` survive as real JSON keys
 * (an object literal would turn them into prototype assignments before the request is sent).
 */
export type Json = null | boolean | number | string | Json[] | { entries: [string, Json][] } | { raw: string };

export const POLLUTION_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '__defineGetter__',
];

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
/** Strings that break naive code: control characters, lone surrogates, RTL marks, NUL, emoji, IDN. */
export const oddString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: loneSurrogate, maxLength: 4 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\u202e',
    '\ufeff',
    'é',
    '🦄',
    'a\r\nb',
    '%00',
    '../../etc/passwd',
    '${7*7}',
    '<script>',
    "' OR 1=1 --",
    'xn--',
    '.',
    '..',
    'ß.de',
    'bücher.example',
    '[::1]',
    '127.0.0.1',
    '0x7f.1',
    'a'.repeat(254),
    `${'a'.repeat(63)}.${'b'.repeat(63)}.test`,
  ),
  fc.constantFrom(...POLLUTION_KEYS),
);
/** A few very large strings (kept rare: they cost a round trip each). */
export const hugeString = fc
  .constantFrom(10_000, 100_000, 1_000_000)
  .chain((n) => fc.constantFrom('a', 'é', '🦄', '.', ' ').map((c) => c.repeat(n)));

export const jsonKey = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 2, arbitrary: fc.constantFrom(...POLLUTION_KEYS) },
  { weight: 1, arbitrary: oddString },
);

const numberArb = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -0, 1e308, -1e308, 2 ** 53 + 1, 0.1, -1),
);

export const jsonValue: fc.Arbitrary<Json> = fc.letrec<{ value: Json }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    numberArb,
    oddString,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.array(fc.tuple(jsonKey, tie('value')), { maxLength: 4 }).map((entries) => ({ entries })),
  ),
})).value;

/** Arrays or objects nested `depth` deep, as ready-made text: `[[[...]]]` or `{"a":{"a":...}}`. */
export const deepNesting: fc.Arbitrary<Json> = fc
  .tuple(fc.integer({ min: 50, max: 5000 }), fc.boolean(), fc.constantFrom('a', '__proto__', 'constructor', 'domain'))
  .map(([depth, arrays, key]) => ({
    raw: arrays
      ? `${'['.repeat(depth)}"x"${']'.repeat(depth)}`
      : `${`{"${key}":`.repeat(depth)}"x"${'}'.repeat(depth)}`,
  }));

export function toJson(v: Json): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(toJson).join(',')}]`;
  if ('raw' in v) return v.raw;
  return `{${v.entries.map(([k, x]) => `${JSON.stringify(k)}:${toJson(x)}`).join(',')}}`;
}

/** An object whose keys include `fields` (a class's own, so values reach the validators) and noise. */
export function objectWith(
  fields: string[],
  extra: [string, Json][] = [],
): fc.Arbitrary<{ entries: [string, Json][] }> {
  const known = fields.length
    ? fc.array(
        fc.tuple(
          fc.constantFrom(...fields),
          fc.oneof(
            { weight: 4, arbitrary: jsonValue },
            { weight: 1, arbitrary: hugeString },
            { weight: 1, arbitrary: deepNesting },
          ),
        ),
        { maxLength: fields.length + 1 },
      )
    : fc.constant([]);
  return fc
    .tuple(known, fc.array(fc.tuple(jsonKey, jsonValue), { maxLength: 3 }))
    .map(([k, noise]) => ({ entries: [...extra, ...k, ...noise] }));
}
