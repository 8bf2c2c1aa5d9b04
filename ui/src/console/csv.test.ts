import { describe, expect, it } from 'vitest';
import { csvCell, csvRows } from './csv';

describe('the reports CSV export', () => {
  it('keeps text that a spreadsheet would run as a formula as text', () => {
    expect(csvCell('=HYPERLINK("http://evil.example","clic")')).toBe(`"'=HYPERLINK(""http://evil.example"",""clic"")"`);
    expect(csvCell('+33 6 12 34 56 78')).toBe("'+33 6 12 34 56 78");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\t=1+1')).toBe("'\t=1+1");
  });

  it('leaves numbers, empty cells and ordinary text alone, and quotes what needs it', () => {
    expect(csvCell(-7.25)).toBe('-7.25');
    expect(csvCell(null)).toBe('');
    expect(csvCell('Nid-de-poule, rue de France')).toBe('"Nid-de-poule, rue de France"');
    expect(csvRows([['a', 1], ['b', undefined]])).toBe('a,1\nb,\n');
  });
});
