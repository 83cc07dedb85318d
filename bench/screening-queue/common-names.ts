/**
 * Prints the consonant skeletons of name parts that at least 1% of the individuals on the UN consolidated list and
 * OFAC's SDN list have (any of their names): the common names screening does not let carry a hit on their own
 * (`COMMON_NAME_SKELETONS` in screening.domain.ts is this output, committed so that a list update's index of a few
 * entries judges a pair exactly as the index of every entry does).
 *   node --import tsx bench/screening-queue/common-names.ts [--share 0.01]
 */
import { prepareName } from '../../src/modules/names';
import { parseOfacSdn, parseUnConsolidated } from '../../src/modules/screening';
import { readLists } from '../screening/world';

const i = process.argv.indexOf('--share');
const share = i >= 0 ? Number(process.argv[i + 1]) : 0.01;
const { unXml, ofacFiles } = readLists();
const individuals = [...parseUnConsolidated(unXml).entries, ...parseOfacSdn(ofacFiles).entries].filter((e) => e.kind === 'individual');
const count = new Map<string, number>();
for (const e of individuals) {
  const mine = new Set<string>();
  for (const n of e.names) for (const t of prepareName(n.full).tokens) if (t.kind === 'name') for (const k of t.skeletons) if (k) mine.add(k);
  for (const k of mine) count.set(k, (count.get(k) ?? 0) + 1);
}
const min = share * individuals.length;
const common = [...count].filter(([, c]) => c >= min).sort((a, b) => b[1] - a[1]);
process.stdout.write(`${JSON.stringify({ individuals: individuals.length, share, common: common.map(([k, c]) => `${k} ${c}`) })}\n`);
