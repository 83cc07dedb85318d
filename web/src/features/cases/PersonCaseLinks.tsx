import { Badge, Group } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from '../../components/Link';
import { useSession } from '../../lib/session';
import { useCases, useReintegrationCases } from './cases.api';

/**
 * On a person's record, for those who may read cases: a link to the person's legal case and to their reintegration
 * case(s) after release, when there are any (looked up by the person's id within the reader's scope).
 */
export function PersonCaseLinks({ personId }: { personId: string }) {
  const { t } = useTranslation('casework');
  const session = useSession();
  const enabled = session.can('cases.read');
  const legal = useCases({ personId, page: 0 }, enabled);
  const reintegration = useReintegrationCases({ personId, page: 0 }, enabled);
  if (!enabled) return null;
  const legalRows = legal.data?.rows ?? [];
  const reintegrationRows = reintegration.data?.rows ?? [];
  if (legalRows.length === 0 && reintegrationRows.length === 0) return null;
  return (
    <Group gap="sm" data-testid="person-case-links">
      {legalRows.map((c) => (
        <Link key={c.id} to={`/cases/${c.id}`} size="sm" data-testid="person-legal-case">
          {t('person.legalCase')}
          {c.overdue && (
            <Badge ms={4} size="xs" color="red">
              {t('person.overdue')}
            </Badge>
          )}
        </Link>
      ))}
      {reintegrationRows.map((r) => (
        <Link key={r.id} to={`/reintegration/${r.id}`} size="sm" data-testid="person-reintegration-case">
          {t('person.reintegrationCase')}
          {r.checkinMissed && (
            <Badge ms={4} size="xs" color="red">
              {t('list.missed')}
            </Badge>
          )}
        </Link>
      ))}
    </Group>
  );
}
