import { Alert as MAlert, Badge, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { PageHeader } from '../../components/PageHeader';
import { ErrorNote } from '../../components/Problems';
import { StatusBadge } from '../../components/StatusBadge';
import { Link } from '../../components/Link';
import { Name } from '../../components/Name';
import { dateTime } from '../../lib/format';
import { useRouter } from '../../lib/router';
import { useSession } from '../../lib/session';
import { isValidPurpose, PurposeGate } from '../persons/purpose';
import { BestInterestsForm, type Mover } from './BestInterestsForm';
import { useFamily, type FamilyView } from './FamilyApi';

type Place = FamilyView['place'];

/** A person's family across facilities: each relative, where they are now, and the best-interests determinations. */
export default function FamilyViewPage({ id }: { id: string }) {
  const { search, navigate } = useRouter();
  const purpose = search.get('purpose');
  if (!isValidPurpose(purpose)) {
    return <PurposeGate onChoose={(p) => navigate(`/families/${id}?purpose=${encodeURIComponent(p)}`, { replace: true })} />;
  }
  return <Family id={id} purpose={purpose} />;
}

function PlaceText({ place }: { place: Place }) {
  const { t } = useTranslation('families');
  if (!place) return <Text c="dimmed">{t('view.notInCustody')}</Text>;
  return (
    <Group gap="xs">
      <StatusBadge status={place.status} />
      <Text size="sm">{place.status === 'in_transit' ? t('view.toward', { facility: place.destination ?? '–' }) : (place.facility ?? '–')}</Text>
    </Group>
  );
}

/** The child's own move, then each carer in the reader's scope whose link still holds. */
function moversOf(f: FamilyView, self: string): Mover[] {
  const carers = f.relatives.filter((r) => r.carer && !r.ended && r.inScope && r.personId);
  return [{ id: f.personId, label: self }, ...carers.map((r) => ({ id: r.personId!, label: r.name ?? r.personId! }))];
}

function Family({ id, purpose }: { id: string; purpose: string }) {
  const { t } = useTranslation('families');
  const session = useSession();
  const family = useFamily(id, purpose);
  const f = family.data;
  const link = (personId: string) => `/persons/${personId}?purpose=${encodeURIComponent(purpose)}`;
  return (
    <Stack gap="md" data-testid="family-view">
      <PageHeader title={f?.name ? t('view.titleOf', { name: f.name }) : t('view.title')} description={t('view.description')} />
      <ErrorNote error={family.error} what={t('view.what')} />
      {f && (
        <>
          <Paper withBorder p="sm" radius="md">
            <Group gap="md">
              {f.child && <Badge color="grape">{t('view.child')}</Badge>}
              <PlaceText place={f.place} />
            </Group>
            {f.separated && (
              <MAlert color="orange" mt="sm" data-testid="family-separated">
                {t('view.separated')}
              </MAlert>
            )}
          </Paper>
          <Paper withBorder p="sm" radius="md">
            <Title order={2} size="h4" mb="xs">
              {t('view.relatives', { count: f.relatives.length })}
            </Title>
            {f.relatives.length === 0 ? (
              <Text c="dimmed" size="sm">
                {t('view.noRelatives')}
              </Text>
            ) : (
              <Table data-testid="family-relatives">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('view.relation')}</Table.Th>
                    <Table.Th>{t('view.person')}</Table.Th>
                    <Table.Th>{t('view.where')}</Table.Th>
                    <Table.Th>{t('view.together')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {f.relatives.map((r) => (
                    <Table.Tr key={r.relationId} data-testid="family-relative" opacity={r.ended ? 0.6 : 1}>
                      <Table.Td>
                        <Group gap={4}>
                          <Badge variant="light">{t(`role.${r.kind}`, { defaultValue: r.kind.replace(/_/g, ' ') })}</Badge>
                          {r.carer && !r.ended && (
                            <Badge color="grape" variant="outline">
                              {t('view.carer')}
                            </Badge>
                          )}
                          {r.ended && <Badge color="gray">{t('view.ended')}</Badge>}
                        </Group>
                      </Table.Td>
                      <Table.Td>
                        {!r.inScope ? (
                          <Text c="dimmed" size="sm">
                            {t('view.outsideScope')}
                          </Text>
                        ) : r.personId && r.name && session.can('persons.read') ? (
                          <Link to={link(r.personId)}>
                            <Name inherit>{r.name}</Name>
                          </Link>
                        ) : (
                          <Text c="dimmed" size="sm">
                            {t('view.noName')}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>{r.inScope ? <PlaceText place={r.place} /> : '–'}</Table.Td>
                      <Table.Td>{r.sameFacility ? t('view.yes') : t('view.no')}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </Paper>
          {f.household && (
            <Paper withBorder p="sm" radius="md">
              <Title order={2} size="h4" mb="xs">
                {t('view.household', { count: f.household.members.length })}
              </Title>
              <Table data-testid="family-household">
                <Table.Tbody>
                  {f.household.members.map((m, i) => (
                    <Table.Tr key={m.personId ?? i}>
                      <Table.Td>{m.name ? <Name inherit>{m.name}</Name> : t('view.noName')}</Table.Td>
                      <Table.Td>
                        <PlaceText place={m.place} />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
              {f.household.hiddenMembers > 0 && (
                <Text c="dimmed" size="sm" mt="xs">
                  {t('view.hiddenMembers', { count: f.household.hiddenMembers })}
                </Text>
              )}
            </Paper>
          )}
          {f.child && session.can('families.decide') && <BestInterestsForm childId={f.personId} movers={moversOf(f, t('determine.self'))} />}
          {f.child && (
            <Paper withBorder p="sm" radius="md">
              <Title order={2} size="h4" mb="xs">
                {t('view.determinations')}
              </Title>
              {f.determinations.length === 0 ? (
                <Text c="dimmed" size="sm">
                  {t('view.noDeterminations')}
                </Text>
              ) : (
                <Table data-testid="family-determinations">
                  <Table.Tbody>
                    {f.determinations.map((d) => (
                      <Table.Tr key={d.id}>
                        <Table.Td>
                          <Badge color={d.decision === 'separation_approved' ? 'orange' : 'teal'}>{t(`decision.${d.decision}`)}</Badge>
                        </Table.Td>
                        <Table.Td>
                          {d.move === 'release' ? t('view.moveRelease') : d.move === 'repatriation' ? t('view.moveRepatriation') : t('view.moveTransfer')}
                        </Table.Td>
                        <Table.Td>{d.reason ?? '–'}</Table.Td>
                        <Table.Td>{dateTime(d.decidedAt)}</Table.Td>
                        <Table.Td>{t('view.validUntil', { at: dateTime(d.validUntil) })}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              )}
            </Paper>
          )}
        </>
      )}
    </Stack>
  );
}
