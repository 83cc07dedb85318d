import { describe, expect, it } from 'vitest';
import { csvCell, csvLine } from './csv';

describe('csvCell', () => {
  it('defuses cells a spreadsheet would run as formulas', () => {
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    for (const lead of ['+', '-', '@', '\t', '\r']) expect(csvCell(`${lead}cmd`).startsWith(`'`) || csvCell(`${lead}cmd`).startsWith(`"'`)).toBe(true);
    expect(csvCell('Camp al-Hol')).toBe('Camp al-Hol');
  });
  it('writes numbers as numbers and quotes separators', () => {
    expect(csvLine([-3, 0, 'a,b', null, 'say "hi"'])).toBe('-3,0,"a,b",,"say ""hi"""');
  });
});
