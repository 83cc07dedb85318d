/**
 * Builds src/demo/scenario/name-words.json: the Arabic name words the scenario draws from, each with the Latin
 * spellings that real records use and how often, read from ../shared/data/names (train splits only, in place).
 *
 *   npx tsx bench/seed/build-name-words.ts            (rewrites the table; deterministic)
 *
 * Which words are given names, family names (nisba) or epithets (laqab) is the curated list below; the spellings and
 * their frequencies all come from the data. A spelling is kept only when its consonant skeleton is the Arabic word's
 * (this drops Wikidata's mis-alignments such as محمد -> "morocco") and it is plain ASCII, as documents write names.
 * The word's weight (how often the scenario picks it) is its total count in the data, so Muhammad is as dominant as
 * it is in real name lists.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { arabicSkeleton, latinSkeleton, normalizeArabic, normalizeLatin } from '../../src/modules/names';

const DATA = resolve(process.cwd(), '../shared/data/names');
const OUT = resolve(process.cwd(), 'src/demo/scenario/name-words.json');

// Curated: the words and their role. Compounds with عبد are written as the second word (the builder joins them).
const ROLES: Record<string, string> = {
  male: `محمد أحمد علي عمر خالد حسن حسين يوسف إبراهيم محمود مصطفى صالح سعيد سعد عثمان حمزة طارق ياسر وليد فيصل جاسم
    حامد ماجد فراس عادل رائد زياد مازن نبيل ناصر منصور سامي سالم سليمان إسماعيل موسى عيسى داود يحيى زكريا بلال أنس أسامة
    معاذ قاسم عدنان هشام جمال كمال مهند فاضل كريم رشيد سلمان أيمن عماد مروان نزار باسم عمار هيثم حارث صدام عدي
    مصعب زبير خطاب براء حذيفة عبيدة سفيان جعفر شاكر ضياء غسان نوري فلاح لطيف حمد خلف جابر عامر عزيز فارس`,
  abd: `الله رحمن عزيز كريم رزاق قادر سلام جبار حميد مجيد رحيم ستار وهاب باسط غني`,
  female: `فاطمة عائشة مريم خديجة زينب أسماء هبة نور سارة أمينة حليمة رقية صفية سمية هاجر آمنة ليلى سعاد هدى منى رنا
    إيمان رحمة جميلة سلمى نادية رشا وفاء سناء حنان شيماء إسراء آية بشرى مروة نسرين حفصة خنساء جويرية ماريا سكينة
    زهرة لينا دعاء سهام نجلاء عبير غادة`,
  iraqi: `جبوري دليمي عبيدي شمري عاني كبيسي جنابي زوبعي عزاوي تكريتي موصلي بغدادي حديثي راوي فلاحي محمدي سامرائي
    طائي عنزي بياتي لهيبي مشهداني نعيمي حمداني`,
  syrian: `عكيدي شعيطي بكاري ديري حلبي حمصي إدلبي رقاوي بوكمالي عنزي خلف حمد شمري جبوري حسيني مصري عبدالله حسين
    عيسى أحمد`,
  maghreb: `عمراني إدريسي طرابلسي جبالي حمامي تونسي مغربي جزائري علوي زياني شريف بوزيد منصوري بنعلي`,
  laqab: `أنصاري مهاجر شامي عراقي تونسي فرنسي ألماني هولندي بلجيكي بريطاني روسي شيشاني مغربي مصري أثري قحطاني
    كردي أمريكي جزراوي`,
};

interface Row {
  latin: string;
  arabic: string;
  count: number;
}

function need(path: string): string {
  if (!existsSync(path)) throw new Error(`name data not found at ${path}: the shared data must sit beside the project (../shared/data)`);
  return readFileSync(path, 'utf8');
}

function load(): Row[] {
  const rows: Row[] = [];
  for (const line of need(resolve(DATA, 'wikidata-arabic-names/wd_arabic_80')).split('\n')) {
    const [latin, arabic, count] = line.split('\t');
    if (latin && arabic) rows.push({ latin, arabic: arabic.replace(/ /g, ''), count: Number(count) || 1 });
  }
  for (const line of need(resolve(DATA, 'google-translit-ar2en/ar2en-train.txt')).split('\n')) {
    const [arabic, latin] = line.split('\t');
    if (latin && arabic) rows.push({ latin, arabic, count: 1 });
  }
  const en = need(resolve(DATA, 'anetac/EN-AR Translit/train.en')).split('\n');
  const ar = need(resolve(DATA, 'anetac/EN-AR Translit/train.ar')).split('\n');
  for (let i = 0; i < Math.min(en.length, ar.length); i++) {
    const latin = en[i]!.trim();
    const arabic = ar[i]!.trim();
    if (latin && arabic && !latin.includes(' ') && !arabic.includes(' ')) rows.push({ latin, arabic, count: 1 });
  }
  return rows;
}

const key = (arabic: string) => normalizeArabic(arabic).replace(/^ال/, '');
// Skeleton classes that transliterations routinely merge (qaf as k or q, thaa as t or th, dhal as d or dh).
const FOLD: Record<string, string> = { q: 'k', θ: 't', δ: 'd', ʒ: 'j' };
const fold = (s: string) => [...s.replace(/ħ$/, '').replace(/h$/, '')].map((c) => FOLD[c] ?? c).join('');

/** The Latin word without the article when the Arabic had one (al-Shammari, alshammari, ash-Shammari, Assemani). */
function latinCore(latin: string, arabicHadArticle: boolean): string {
  const s = latin.toLowerCase();
  if (!arabicHadArticle) return s;
  const m = /^(?:al|el)[- ]?(.+)$/.exec(s) ?? /^[ae]([stdrzn])-?(\1.+)$/.exec(s);
  return m ? m[m.length - 1]! : s;
}

/**
 * Spellings for the few words the data does not cover (mostly tribal nisbas): as they appear in press and official
 * lists. Marked with count 0 so the table says where each spelling came from.
 */
const CURATED: Record<string, string> = {
  طارق: 'tariq tarek tareq',
  أحمد: 'ahmad ahmed',
  الله: 'allah ullah ellah',
  حذيفة: 'hudhayfa huthaifa houdheifa',
  عبيدة: 'ubayda obaida oubaida',
  جبوري: 'jubouri jibouri juburi jabouri',
  شمري: 'shammari shamari chammari',
  عاني: 'ani aani',
  كبيسي: 'kubaisi kubaysi koubeissi',
  جنابي: 'janabi jenabi jannabi',
  زوبعي: 'zobaie zubai zoubaai',
  تكريتي: 'tikriti takriti',
  موصلي: 'mosuli mawsili moussili',
  حديثي: 'hadithi haditi hadeethi',
  راوي: 'rawi rawy',
  سامرائي: 'samarrai samarai samarrae',
  طائي: 'taie tai taee',
  عنزي: 'anazi enezi anizi',
  لهيبي: 'luhaibi lihebi luhaybi',
  عكيدي: 'ukaidi okaidi akidi',
  شعيطي: 'shaitat shuaiti chaiti',
  حمصي: 'homsi himsi',
  رقاوي: 'raqqawi rakkawi',
  بوكمالي: 'boukamali bukamali',
  حمامي: 'hammami hamami',
  مهاجر: 'muhajir mouhajir mohajer',
  عراقي: 'iraqi iraki',
  فرنسي: 'faransi firansi',
  هولندي: 'hollandi holandi',
  بلجيكي: 'baljiki beljiki',
  بريطاني: 'britani baritani',
  أثري: 'athari atharee',
  قحطاني: 'qahtani kahtani',
  أمريكي: 'amriki amreeki',
  جزراوي: 'jazrawi jazarawi',
};
/** Turkish and Persian forms that share the skeleton but no Syrian or Iraqi record would use. */
const TURKISH = new Set(['mehmed', 'mehmet', 'muhammet', 'fatemeh', 'fatimih', 'hossein', 'hosein']);
/** Very common given names that the train splits happen to under-count: never drawn less often than this. */
const MIN_WEIGHT: Record<string, number> = { أحمد: 200, طارق: 20, الله: 150, جبوري: 8, دليمي: 8, عبيدي: 6, شمري: 6, عكيدي: 6, شعيطي: 6, بكاري: 6 };
/** Family names and epithets: the data's counts say little about how common a tribe is, so they stay within 1..10. */
const CAPPED = new Set(['iraqi', 'syrian', 'maghreb', 'laqab']);

function main(): void {
  const rows = load();
  const byWord = new Map<string, Map<string, number>>();
  for (const r of rows) {
    const k = key(r.arabic);
    let m = byWord.get(k);
    if (!m) byWord.set(k, (m = new Map()));
    const latin = latinCore(r.latin, normalizeArabic(r.arabic).startsWith('ال'));
    m.set(latin, (m.get(latin) ?? 0) + r.count);
  }
  const words: { ar: string; role: string; weight: number; spellings: [string, number][] }[] = [];
  const missing: string[] = [];
  for (const [role, list] of Object.entries(ROLES)) {
    for (const ar of list.split(/\s+/).filter(Boolean)) {
      const k = key(ar);
      const skel = fold(arabicSkeleton(k));
      const found = new Map(byWord.get(k) ?? []);
      for (const latin of CURATED[ar]?.split(' ') ?? []) if (!found.has(latin)) found.set(latin, 0);
      const spellings = [...found.entries()]
        .filter(([latin, count]) => /^[a-z]+$/.test(latin) && !TURKISH.has(latin) && (count === 0 || fold(latinSkeleton(normalizeLatin(latin))) === skel))
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .slice(0, 8);
      if (spellings.length === 0) {
        missing.push(`${role}:${ar}`);
        continue;
      }
      const counted = Math.max(
        spellings.reduce((s, [, c]) => s + c, 0),
        1,
      );
      const floor = MIN_WEIGHT[ar] ?? 1;
      const weight = CAPPED.has(role) ? Math.min(Math.max(counted, floor), 10) : Math.max(counted, floor);
      words.push({ ar, role, weight, spellings });
    }
  }
  const table = {
    description:
      'Derived by bench/seed/build-name-words.ts from ../shared/data/names (wd_arabic_80, ar2en-train, anetac train). ' +
      'One row per Arabic name word: role, weight (total count in the data), Latin spellings with their counts, most frequent first.',
    words,
  };
  writeFileSync(OUT, JSON.stringify(table, null, 0).replace(/\{"ar"/g, '\n{"ar"') + '\n');
  const spellings = words.reduce((s, w) => s + w.spellings.length, 0);
  console.log(JSON.stringify({ words: words.length, spellings, missing }, null, 1));
}

main();
