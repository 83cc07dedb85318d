import { useTranslation } from 'react-i18next';
import { useSession } from '../../lib/session';
import { Link } from '../../components/Link';

/** "Who read this record": the audit of a person record, for the roles that may read the audit log. */
export function WhoReadLink({ personId }: { personId: string }) {
  const { t } = useTranslation('admin');
  const session = useSession();
  if (!session.can('audit.read')) return null;
  return (
    <Link to={`/audit?subjectType=person&subjectId=${encodeURIComponent(personId)}`} size="sm" data-testid="who-read-link">
      {t('audit.whoReadLink')}
    </Link>
  );
}

/** A facility's settings (alert thresholds, roll-call schedule): for the roles that may change either. */
export function FacilitySettingsLink({ facilityId }: { facilityId: string }) {
  const { t } = useTranslation('admin');
  const session = useSession();
  if (!session.can('alerts.configure') && !session.can('facilities.write')) return null;
  return (
    <Link to={`/facilities/${facilityId}/settings`} size="sm" data-testid="facility-settings-link">
      {t('settings.link')}
    </Link>
  );
}
