import { useQuery } from '@tanstack/react-query';
import { Alert as MAlert, Badge, Button, Grid, Group, Paper, Stack, Table, Text, ThemeIcon, Timeline, Title } from '@mantine/core';
import { api, type CustodyEvent, type Household, type Person } from '../lib/api';
import { dateTime, eventColor, eventLabel, num, shortHash, statusLabel } from '../lib/format';
import { Trans, useTranslation } from 'react-i18next';
import { StatusBadge } from '../components/StatusBadge';
import { useRouter } from '../lib/router';
import { useSession } from '../lib/session';
import { useFacilityNames } from '../lib/queries';
import { Name, NameBadges } from '../components/Name';
import { ErrorNote } from '../components/Problems';
import { Link } from '../components/Link';
import { isValidPurpose, PurposeGate, purposeLabel } from '../features/persons/purpose';
import { WhoReadLink } from '../features/admin/AdminLinks';
import {
  birthText,
  DOCUMENT_LABEL,
  VULNERABILITY_LABEL,
  NAME_PART_LABEL,
  type DocumentType,
  type NamePartKey,
  type Vulnerability,
} from '../features/persons/persons.api';
import { i18next } from '../i18n';
import { RecordEventPanel } from '../features/records/RecordEventPanel';
import { FamilyPanel } from '../features/records/FamilyPanel';
import { PersonVerify } from '../features/verify/PersonVerify';
import { BiometricsPanel } from '../features/biometrics/BiometricsPanel';
import { PersonCaseLinks } from '../features/cases/PersonCaseLinks';

export default function PersonPage({ id }: { id: string }) {
  const { search, navigate } = useRouter();
  const purpose = search.get('purpose');
  if (!isValidPurpose(purpose)) {
    return <PurposeGate onChoose={(p) => navigate(`/persons/${id}?purpose=${encodeURIComponent(p)}`, { replace: true })} />;
  }
  return <Record id={id} purpose={purpose} startCapture={search.get('capture') === 'face'} />;
}

/** Read from this record's side: "father of" the person named. */
const relationLabel = (k: string) => i18next.t(`registry:relation.${k}`, { defaultValue: k.replace(/_/g, ' ') });

function Record({ id, purpose, startCapture }: { id: string; purpose: string; startCapture: boolean }) {
  const { t } = useTranslation('person');
  const session = useSession();
  const { navigate } = useRouter();
  const facilities = useFacilityNames();
  const person = useQuery({ queryKey: ['person', id, purpose], queryFn: () => api<Person>(`/persons/${id}`, { purpose }), staleTime: 0 });
  const events = useQuery({
    queryKey: ['person', id, 'events', purpose],
    queryFn: () => api<CustodyEvent[]>(`/persons/${id}/events`, { purpose }),
    enabled: session.can('custody.read') && person.isSuccess,
  });
  const household = useQuery({
    queryKey: ['household', person.data?.householdId, purpose],
    queryFn: () => api<Household>(`/households/${person.data!.householdId}`, { purpose }),
    enabled: !!person.data?.householdId,
  });

  if (person.error) return <ErrorNote error={person.error} what={t('what.record')} />;
  const p = person.data;
  if (!p) return <Text>{t('opening')}</Text>;
  const primary = p.names.find((n) => n.kind === 'primary') ?? p.names[0];
  // Under the primary name, the first name in another script (the Arabic under a Latin primary, or the reverse).
  const second = p.names.find((n) => n !== primary && n.script !== primary?.script && (n.script === 'arabic' || primary?.script === 'arabic'));
  const fac = (fid: string | null | undefined) => (fid ? (facilities.get(fid)?.name ?? fid.slice(0, 8)) : null);
  const ev = events.data ?? [];
  const broken = ev.filter((e) => e.intact === false).length;

  return (
    <Stack gap="md">
      <MAlert color="gray" variant="light" py={6} data-testid="purpose-banner">
        <Text size="sm">
          <Trans t={t} i18nKey="openedFor" values={{ purpose: purposeLabel(purpose) }} components={{ b: <b /> }} />
        </Text>
        <WhoReadLink personId={id} />
      </MAlert>
      <Group justify="space-between" align="flex-start">
        <div>
          <Title order={1} size="h2" data-testid="person-name">
            {primary ? <Name inherit>{primary.full}</Name> : t('unnamed')}
          </Title>
          {second && (
            <Title order={2} size="h3" fw={500} mt={2}>
              <Name inherit data-testid={second.script === 'arabic' ? 'person-arabic-name' : 'person-other-name'}>
                {second.full}
              </Name>
            </Title>
          )}
          <Group gap="xs" mt={6}>
            {p.placement && <StatusBadge status={p.placement.status} size="lg" variant="filled" data-testid="person-status" />}
            {p.possiblyMinor && (
              <Badge size="lg" color="yellow" variant="light">
                {t('minorProtected')}
              </Badge>
            )}
            {p.placement?.facilityId && (
              <Text size="sm">
                <Link to={`/facilities/${p.placement.facilityId}`}>{fac(p.placement.facilityId)}</Link>
                {p.placement.outReason ? ` · ${t('out', { reason: t(`outReason.${p.placement.outReason}`, { defaultValue: p.placement.outReason }) })}` : ''} ·{' '}
                {t('since', { time: dateTime(p.placement.since) })}
              </Text>
            )}
          </Group>
        </div>
        <Group gap="xs">
          {session.can('cases.read') && <PersonCaseLinks personId={id} />}
          {session.can('biometrics.read') && <PersonVerify personId={id} purpose={purpose} />}
          {session.can('persons.write') && (
            // Corrections are a registration task: the edit screen reads the record for that purpose.
            <Button size="lg" variant="light" onClick={() => navigate(`/persons/${id}/edit?purpose=registration`)} data-testid="person-edit">
              {t('edit')}
            </Button>
          )}
        </Group>
      </Group>

      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: 6 }}>
          <Stack gap="md">
            <Paper withBorder p="sm" radius="md">
              <Title order={2} size="h4" mb="xs">
                {t('names')}
              </Title>
              <Table data-testid="person-names">
                <Table.Tbody>
                  {p.names.map((n) => (
                    <Table.Tr key={n.id}>
                      <Table.Td>
                        <Name size={n.script === 'arabic' ? 'lg' : 'md'}>{n.full}</Name>
                        {n.parts && (
                          <Text size="xs" c="dimmed">
                            {Object.entries(n.parts)
                              .map(([k, v]) => `${NAME_PART_LABEL[k as NamePartKey]?.label ?? k}: ${v}`)
                              .join(' · ')}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td w={150}>
                        <NameBadges script={n.script} kind={n.kind} />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Paper>

            <Paper withBorder p="sm" radius="md">
              <Title order={2} size="h4" mb="xs">
                {t('identity')}
              </Title>
              <Table variant="vertical" layout="fixed" withRowBorders={false}>
                <Table.Tbody>
                  <Row label={t('sex')} value={t(`common:sex.${p.sex === 'F' || p.sex === 'M' ? p.sex : 'U'}`)} />
                  <Row
                    label={t('born')}
                    value={`${birthText(p.birth)}${p.ageRange ? ` (${t('age', { age: p.ageRange[0] === p.ageRange[1] ? p.ageRange[0] : `${p.ageRange[0]}–${p.ageRange[1]}` })})` : ''}`}
                    testId="person-birth"
                  />
                  <Row label={t('placeOfBirth')} value={p.placeOfBirth ?? '–'} />
                  <Row
                    label={t('nationality')}
                    value={
                      p.nationalities.map((n) => `${n.country} (${t(`nationalityStatus.${n.status}`, { defaultValue: n.status })})`).join(t('listSeparator')) ||
                      '–'
                    }
                  />
                  <Row label={t('registeredAt')} value={fac(p.registeredFacilityId) ?? '–'} />
                  {p.vulnerabilities.length > 0 && (
                    <Row
                      label={t('vulnerabilities')}
                      value={p.vulnerabilities.map((v) => VULNERABILITY_LABEL[v as Vulnerability] ?? v.replace(/_/g, ' ')).join(t('listSeparator'))}
                    />
                  )}
                  {p.distinguishingMarks.length > 0 && <Row label={t('marks')} value={p.distinguishingMarks.join('; ')} />}
                  {p.notes && <Row label={t('notes')} value={p.notes} />}
                </Table.Tbody>
              </Table>
            </Paper>

            <Paper withBorder p="sm" radius="md">
              <Title order={2} size="h4" mb="xs">
                {t('documents')}
              </Title>
              {p.documents.length === 0 ? (
                <Text c="dimmed" size="sm">
                  {t('noDocuments')}
                </Text>
              ) : (
                <Table data-testid="person-documents">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t('doc.type')}</Table.Th>
                      <Table.Th>{t('doc.number')}</Table.Th>
                      <Table.Th>{t('doc.issuedBy')}</Table.Th>
                      <Table.Th>{t('doc.expires')}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {p.documents.map((d, i) => (
                      <Table.Tr key={d.id ?? i}>
                        <Table.Td>{DOCUMENT_LABEL[d.type as DocumentType] ?? d.type.replace(/_/g, ' ')}</Table.Td>
                        <Table.Td className="mono">{d.number}</Table.Td>
                        <Table.Td>{d.issuingCountry ?? '–'}</Table.Td>
                        <Table.Td>{d.expiresOn ?? '–'}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              )}
            </Paper>

            <Paper withBorder p="sm" radius="md">
              <Group justify="space-between" mb="xs">
                <Title order={2} size="h4">
                  {t('household')}
                </Title>
                {session.can('families.read') && (
                  <Link to={`/families/${p.id}?purpose=${encodeURIComponent(purpose)}`} size="sm" data-testid="family-view-link">
                    {t('families:view.open')}
                  </Link>
                )}
              </Group>
              {household.data && (
                <>
                  <Text size="sm" fw={600}>
                    {household.data.label}
                  </Text>
                  <Table mb="sm" data-testid="household-members">
                    <Table.Tbody>
                      {household.data.members.map((m) => (
                        <Table.Tr key={m.id}>
                          <Table.Td>
                            {m.id === p.id ? (
                              <Name fw={600}>{m.name}</Name>
                            ) : (
                              <Link to={`/persons/${m.id}?purpose=${encodeURIComponent(purpose)}`}>
                                <Name inherit>{m.name}</Name>
                              </Link>
                            )}
                          </Table.Td>
                          <Table.Td>{t(`common:sexShort.${m.sex}`, { defaultValue: m.sex })}</Table.Td>
                          <Table.Td>{m.birthLabel === 'unknown' ? '–' : m.birthLabel}</Table.Td>
                          <Table.Td>{statusLabel(m.status)}</Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </>
              )}
              {p.relations.length === 0 && !p.householdId && (
                <Text c="dimmed" size="sm">
                  {t('noHousehold')}
                </Text>
              )}
              {p.relations.length > 0 && (
                <Table data-testid="person-relations">
                  <Table.Tbody>
                    {p.relations.map((r, i) => (
                      <Table.Tr key={`${r.kind}-${r.personId ?? `hidden-${i}`}`}>
                        <Table.Td w={130}>
                          <Badge variant="light">{relationLabel(r.kind)}</Badge>
                        </Table.Td>
                        <Table.Td>
                          {r.personId ? (
                            <Link to={`/persons/${r.personId}?purpose=${encodeURIComponent(purpose)}`}>
                              {r.name ? <Name inherit>{r.name}</Name> : t('unnamedRecord')}
                            </Link>
                          ) : (
                            <Text c="dimmed" size="sm">
                              {t('relativeOutside')}
                            </Text>
                          )}
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              )}
            </Paper>
            {session.can('persons.write') && <FamilyPanel person={p} purpose={purpose} householdLabel={household.data?.label ?? null} />}
          </Stack>
        </Grid.Col>

        <Grid.Col span={{ base: 12, md: 6 }}>
          <BiometricsPanel personId={id} purpose={purpose} startCapture={startCapture} />
          {session.can('custody.append') && (
            <div style={{ marginBlockStart: 'var(--mantine-spacing-md)' }}>
              <RecordEventPanel personId={id} purpose={purpose} />
            </div>
          )}
          <Paper withBorder p="sm" radius="md" mt="md">
            <Group justify="space-between" mb="xs">
              <Title order={2} size="h4">
                {t('timeline')}
              </Title>
              {events.data && (
                <Badge color={broken ? 'red' : 'teal'} size="lg" data-testid="timeline-verified">
                  {broken ? t('failVerification', { count: broken, n: num(broken) }) : t('verified', { count: ev.length, n: num(ev.length) })}
                </Badge>
              )}
            </Group>
            {!session.can('custody.read') ? (
              <Text c="dimmed" size="sm">
                {t('noLedgerRole')}
              </Text>
            ) : (
              <>
                <ErrorNote error={events.error} what={t('what.timeline')} />
                <Timeline bulletSize={22} lineWidth={2} data-testid="custody-timeline" active={ev.length}>
                  {[...ev].reverse().map((e) => (
                    <Timeline.Item
                      key={e.id}
                      bullet={
                        <ThemeIcon
                          size={22}
                          radius="xl"
                          // The colour tells what happened (an absence is not drawn like a return); the mark tells the chain check.
                          color={e.intact === false ? 'red' : eventColor(e.type)}
                          aria-label={e.intact === false ? t('bullet.fails') : t('bullet.verified')}
                          data-testid="timeline-bullet"
                          data-event-type={e.type}
                        >
                          <span aria-hidden="true" style={{ fontSize: 12 }}>
                            {e.intact === false ? '✕' : '✓'}
                          </span>
                        </ThemeIcon>
                      }
                      title={
                        <Group gap={6}>
                          <Text fw={600}>{eventLabel(e.type)}</Text>
                          {e.intact === false && <Badge color="red">{t('hashMismatch')}</Badge>}
                        </Group>
                      }
                    >
                      <Text size="sm">
                        {dateTime(e.occurredAt)}
                        {e.fromFacilityId ? ` · ${t('from', { place: fac(e.fromFacilityId) })}` : ''}
                        {e.toFacilityId ? ` · ${t('to', { place: fac(e.toFacilityId) })}` : ''}
                      </Text>
                      {(e.authority || e.reason) && (
                        <Text size="sm" c="dimmed">
                          {[e.reason, e.authority].filter(Boolean).join(' · ')}
                        </Text>
                      )}
                      <Text size="xs" c="dimmed" className="mono" title={e.hash}>
                        {e.siteId}#{e.seq} {shortHash(e.hash)}
                      </Text>
                    </Timeline.Item>
                  ))}
                </Timeline>
                {events.data && ev.length === 0 && (
                  <Text c="dimmed" size="sm">
                    {t('noEvents')}
                  </Text>
                )}
              </>
            )}
          </Paper>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}

function Row({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <Table.Tr>
      <Table.Th w={140}>{label}</Table.Th>
      <Table.Td data-testid={testId}>{value}</Table.Td>
    </Table.Tr>
  );
}
