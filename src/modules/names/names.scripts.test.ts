import { describe, expect, it } from 'vitest';
import { compareNames, parseName } from './index';
import { needsRomanising, romaniseWord } from './names.scripts';

describe('names in scripts other than Latin and Arabic', () => {
  it('romanises each script to Latin letters', () => {
    expect(romaniseWord('Обама')).toBe('Obama');
    expect(romaniseWord('Τσίπρας')).toBe('Tsipras');
    expect(romaniseWord('Օբամա')).toBe('Obama');
    expect(romaniseWord('ობამა')).toBe('obama');
    // a Chinese name without spaces: one syllable of family name, then the given name
    expect(romaniseWord('习近平')).toBe('xi jinping');
    // a transcribed foreign name keeps its parts
    expect(romaniseWord('贝拉克·奥巴马')).toBe('beilake aobama');
    // katakana's added final vowels are dropped (バラク baraku -> barak)
    expect(romaniseWord('バラク・オバマ')).toBe('barak obama');
    // дж is the Arabic jim
    expect(romaniseWord('Джихад').toLowerCase()).toBe('djikhad');
    expect(needsRomanising('Obama')).toBe(false);
    expect(needsRomanising('محمد')).toBe(false);
    expect(needsRomanising('ـ')).toBe(false);
    expect(needsRomanising('Обама')).toBe(true);
  });

  it('finds the same name across scripts', () => {
    const same: Array<[string, string]> = [
      ['Barack Obama', 'Барак Обама'],
      ['Barack Obama', 'Բարակ Օբամա'],
      ['Barack Obama', 'ბარაკ ობამა'],
      ['Barack Obama', 'バラク・オバマ'],
      ['Alexis Tsipras', 'Αλέξης Τσίπρας'],
      ['Xi Jinping', '习近平'],
      ['Doku Khamatovich Umarov', 'Умаров Доку Хаматович'],
      ['Volodymyr Oleksandrovych Zelenskyy', 'Володимир Зеленський'],
      ['Abu Jihad', 'Абу Джихад'],
      ['Yitzhak Rabin', 'יצחק רבין'],
      ['Ariel Sharon', 'אריאל שרון'],
    ];
    for (const [a, b] of same) expect(compareNames(a, b).score, `${a} / ${b}`).toBeGreaterThan(0.85);
  });

  it('still tells different names apart across scripts', () => {
    expect(compareNames('Frederik Richter', 'Фрэнк Рихтер').score).toBeLessThan(0.6);
    expect(compareNames('Tarkhan Ismailovich Gaziev', 'Тархан Исаевич Газиев').score).toBeLessThan(0.8);
    expect(compareNames('Magomed Abdurakhmanov', 'Доку Умаров').score).toBeLessThan(0.3);
  });

  it('reads Urdu and Pashto letters as the Arabic letters they stand for', () => {
    expect(compareNames('ٹیپو سلطان', 'تيپو سلطان').score).toBe(1);
    expect(compareNames('ګل محمد', 'گل محمد').score).toBe(1);
    expect(compareNames('احمد شاہ', 'Ahmad Shah').score).toBeGreaterThan(0.9);
  });

  it('reads a patronymic as the father, in either order of the name', () => {
    expect(parseName('Sergey Viktorovich Lavrov')).toMatchObject({ given: 'sergey', father: 'viktorovich', family: 'lavrov' });
    expect(parseName('Умаров Доку Хаматович')).toMatchObject({ given: 'doku', father: 'khamatovich', family: 'umarov' });
    // a different patronymic is a different father
    expect(compareNames('Sergey Viktorovich Lavrov', 'Sergey Ivanovich Lavrov').score).toBeLessThan(0.8);
    // without one, the old positional reading stays
    expect(parseName('Friedrich Buchenberg')).toMatchObject({ given: 'friedrich', father: 'buchenberg' });
  });
});
