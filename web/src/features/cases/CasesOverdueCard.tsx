import { useTranslation } from 'react-i18next';
import { Link } from '../../components/Link';
import { StatCard } from '../../components/StatCard';
import { num } from '../../lib/format';
import { useSession } from '../../lib/session';
import { useCasesSummary } from './cases.api';

/** The dashboard's figure of overdue reviews of detention: never hidden from those who may see the case figures. */
export function CasesOverdueCard() {
  const { t } = useTranslation('cases');
  const s = useSession();
  const summary = useCasesSummary(s.can('cases.figures'));
  if (!s.can('cases.figures')) return null;
  const d = summary.data;
  const value = d ? num(d.overdue) : '…';
  return (
    <StatCard
      label={t('overview.overdue')}
      value={s.can('cases.read') ? <Link to="/cases">{value}</Link> : value}
      hint={d ? t('overview.open', { n: num(d.open) }) : undefined}
      color={d && d.overdue > 0 ? 'red.8' : undefined}
      testId="total-cases-overdue"
    />
  );
}
