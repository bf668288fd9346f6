/**
 * Formats for human-written text, named by the schemas here (`SingleLineText`, `MultiLineText`)
 * and checked by the API and by the web app's forms alike. Control characters (C0, DEL, C1) and
 * lone UTF-16 surrogates are refused where they arrive: PostgreSQL rejects a NUL outright and
 * would store a lone surrogate as something else, and neither belongs in a name or a note.
 * U+FEFF too: a byte-order mark is no text (the embedded database drops one that leads a value).
 * With the `u` flag a lone surrogate is one unit that `\p{Cs}` matches; a well-formed pair is not.
 */
export const TEXT_FORMATS = {
  'single-line-text': { pattern: /^[^\p{Cc}\p{Cs}\uFEFF]*$/u, message: 'must be printable text on one line (no control characters)' },
  'multi-line-text': { pattern: /^(?:[\t\n\r]|[^\p{Cc}\p{Cs}\uFEFF])*$/u, message: 'must be printable text (no control characters but tab and line breaks)' },
} as const;
