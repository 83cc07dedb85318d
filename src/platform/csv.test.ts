import { describe, expect, it } from 'vitest';
import { csvCell, csvLines } from './csv';

describe('CSV cells', () => {
  it('defuses formulas: text starting with = + - @ gets an apostrophe, numbers stay', () => {
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvCell('+49 1')).toBe("'+49 1");
    expect(csvCell('-cmd')).toBe("'-cmd");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell(-12)).toBe('-12');
    expect(csvCell('-3.5')).toBe('-3.5');
    expect(csvCell('al-Hol')).toBe('al-Hol');
  });

  it('quotes commas, quotes and line breaks, and writes empty cells for null', () => {
    expect(csvCell('a, b')).toBe('"a, b"');
    expect(csvCell('say "x"')).toBe('"say ""x"""');
    expect(csvCell('a\nb')).toBe('"a\nb"');
    expect(csvCell(null)).toBe('');
    expect(csvLines(['id', 'name'], [[1, 'محمد']])).toBe('id,name\n1,محمد\n');
  });
});
