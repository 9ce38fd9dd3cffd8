// Writing CSV (RFC 4180): a field is quoted when it holds a comma, a quote or a line break, quotes
// doubled; lines end CRLF. A field that a spreadsheet would run as a formula (=, +, -, @, tab, CR first)
// is prefixed with an apostrophe (OWASP's advice for CSV exports opened in spreadsheets).
const NEEDS_QUOTES = /[",\r\n]/;
const FORMULA = /^[=+\-@\t\r]/;

export function csvField(value: string): string {
  const safe = FORMULA.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvOf(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [header, ...rows].map((r) => r.map(csvField).join(",")).join("\r\n") + "\r\n";
}
