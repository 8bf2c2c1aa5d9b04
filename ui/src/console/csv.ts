// CSV cells for the reports export. Residents write the descriptions: a cell
// a spreadsheet would read as a formula (=, +, -, @, a tab or a carriage
// return first) gets a leading apostrophe, as OWASP advises, so that
// `=HYPERLINK(...)` stays text when staff open the file.
const FORMULA = /^[=+\-@\t\r]/;

export function csvCell(v: unknown): string {
  let s = v === null || v === undefined ? '' : String(v);
  if (typeof v === 'string' && FORMULA.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvRows(rows: unknown[][]): string {
  return rows.map((row) => row.map(csvCell).join(',')).join('\n') + '\n';
}
