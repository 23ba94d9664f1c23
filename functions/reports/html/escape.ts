/**
 * Escaping for text and attribute values. Everything a user or a vendor controls (names, emails,
 * group names, details that quote them) goes through here: the data is hostile.
 *
 * Besides the five HTML specials, C0 control characters (other than tab, line feed and carriage
 * return) are shown as their Unicode "control pictures" (U+2400…), DEL as ␡ and C1 controls as
 * U+FFFD, so an invisible character in a name is visible to the auditor instead of silently
 * dropped or rendered as nothing. Bidi embeddings, overrides and isolates (U+202A–U+202E,
 * U+2066–U+2069) are shown as `[U+202E]`: inside a report they only serve to make one name look
 * like another ("Trojan Source"); the plain direction marks U+200E/U+200F are kept.
 */
export function escapeHtml(value: string): string {
  // A regular expression finds the (rare) characters to replace far faster than a loop over
  // char codes: the findings table escapes three cells per row, 100,000+ rows.
  return needsEscaping.test(value) ? value.replace(toEscape, replacementOf) : value;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const needsEscaping = /[&<>"'\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const toEscape = /[&<>"'\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

const entities: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '\u007F': '\u2421',
};

function replacementOf(character: string): string {
  const entity = entities[character];
  if (entity !== undefined) return entity;
  const code = character.charCodeAt(0);
  if (code < 0x20) return String.fromCharCode(0x2400 + code);
  if (code <= 0x9f) return '\uFFFD';
  return `[U+${code.toString(16).toUpperCase()}]`;
}

/**
 * A table cell holding user-controlled text (a name, a detail): escaped, its direction taken from
 * its own first strong character, so a right-to-left name reads right to left.
 */
export function userCell(value: string | undefined): string {
  return value === undefined || value === ''
    ? '<td class="none">—</td>'
    : `<td dir="auto">${escapeHtml(value)}</td>`;
}

/**
 * A table cell holding a user-controlled identifier (an email, a user or group key): escaped and
 * always laid out left to right, the way a mail client shows an address, so `נועה@acme.example`
 * is not displayed as `acme.example@נועה`.
 */
export function identifierCell(value: string | undefined): string {
  return value === undefined || value === ''
    ? '<td class="none">—</td>'
    : `<td dir="ltr">${escapeHtml(value)}</td>`;
}

/** A table cell of text rollcall wrote itself (rule ids, statuses, dates); still escaped. */
export function cell(value: string, className?: string): string {
  return className === undefined
    ? `<td>${escapeHtml(value)}</td>`
    : `<td class="${className}">${escapeHtml(value)}</td>`;
}

/** A right-aligned numeric cell with thousands separators. */
export function numberCell(text: string): string {
  return `<td class="num">${text}</td>`;
}
