// The handover form (issue 17): a commander draws up the joint count of a facility; the outgoing and the incoming
// commander each sign the same statement in their own browser with their own Ed25519 key (WebCrypto, kept in
// IndexedDB, never extractable). The page shows the statement's counts, who signed, the server's check of the
// statement and of each signature, and that a half-signed handover leaves custody with the outgoing custodian.

import { useEffect, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Badge, Button, Group, Paper, SegmentedControl, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../lib/api';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { useRouter } from '../../lib/router';
import { useSession } from '../../lib/session';
import { useGuardOverview } from '../guards/guards.api';
import { createKey, ed25519Supported, fingerprint, loadKey, signText, type SigningKey } from './handover-keys';
import { fetchCustodians, fetchHandover, handoverKey, signHandover, startHandover, verifyHandover, type HandoverStatement } from './handover.api';

const ORGS = ['sdf', 'asayish', 'government', 'coalition', 'contractor', 'other'] as const;

/** /guards/handover: choose a facility, see its custodian of record, draw up a handover to an incoming authority. */
export function HandoverStartPage() {
  const { t } = useTranslation('guardintegrity');
  const { navigate } = useRouter();
  const overview = useGuardOverview();
  const [facilityId, setFacilityId] = useState<string | null>(null);
  const [org, setOrg] = useState<string>('government');
  const [commander, setCommander] = useState('');
  const custodians = useQuery({ queryKey: ['guards', 'custodian', facilityId], queryFn: () => fetchCustodians(facilityId!), enabled: !!facilityId });
  const start = useMutation({
    mutationFn: () => startHandover(facilityId!, { incomingOrganisation: org as (typeof ORGS)[number], incomingCommander: commander.trim() }),
    onSuccess: (h) => navigate(`/guards/handovers/${h.id}`),
    onError: (e) => {
      const open = e instanceof ApiError && e.code === 'guards.handover_open' ? (e.details as { handoverId?: string } | undefined)?.handoverId : undefined;
      if (open) navigate(`/guards/handovers/${open}`);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (facilityId && commander.trim()) start.mutate();
  };
  const current = custodians.data?.current;
  return (
    <Stack gap="sm" data-testid="handover-start">
      <Title order={1} size="h3">
        {t('handover.title')}
      </Title>
      <Text size="sm" c="dimmed">
        {t('handover.intro')}
      </Text>
      <form onSubmit={submit} noValidate>
        <Paper withBorder p="sm" radius="md">
          <Stack gap="xs">
            <Select
              label={t('handover.facility')}
              data={(overview.data ?? []).map((f) => ({ value: f.facilityId, label: `${f.name} (${f.code})` }))}
              value={facilityId}
              onChange={setFacilityId}
              searchable
              data-testid="handover-facility"
              comboboxProps={{ withinPortal: true }}
            />
            {facilityId && (
              <Text size="sm" data-testid="handover-current">
                {current
                  ? t('handover.currentIs', { organisation: t(`org.${current.organisation}`), commander: current.commander })
                  : t('handover.noCustodian')}
              </Text>
            )}
            <Select
              label={t('handover.incomingOrganisation')}
              data={ORGS.map((o) => ({ value: o, label: t(`org.${o}`) }))}
              value={org}
              onChange={(v) => setOrg(v ?? 'government')}
              allowDeselect={false}
              data-testid="handover-incoming-org"
              comboboxProps={{ withinPortal: true }}
            />
            <TextInput
              label={t('handover.incomingCommander')}
              value={commander}
              onChange={(e) => setCommander(e.currentTarget.value)}
              maxLength={200}
              data-testid="handover-incoming-commander"
            />
            <ApiErrorAlert error={start.error} title={t('handover.notStarted')} testId="handover-start-error" />
            <Group justify="flex-end">
              <Button type="submit" disabled={!facilityId || !commander.trim() || !current} loading={start.isPending} data-testid="handover-draw-up">
                {t('handover.drawUp')}
              </Button>
            </Group>
          </Stack>
        </Paper>
      </form>
    </Stack>
  );
}

/** /guards/handovers/:id: the statement, the signatures, the check, and this user's signature. */
export function HandoverPage({ id }: { id: string }) {
  const { t, i18n } = useTranslation('guardintegrity');
  const { t: tr } = useTranslation('records');
  const session = useSession();
  const qc = useQueryClient();
  const handover = useQuery({ queryKey: handoverKey(id), queryFn: () => fetchHandover(id) });
  const check = useQuery({ queryKey: [...handoverKey(id), 'verify'], queryFn: () => verifyHandover(id) });
  const [key, setKey] = useState<SigningKey | null>(null);
  const [keyPrint, setKeyPrint] = useState<string | null>(null);
  const [supported, setSupported] = useState<boolean | null>(null);
  const [side, setSide] = useState<'outgoing' | 'incoming'>('outgoing');

  useEffect(() => {
    let live = true;
    void (async () => {
      const ok = await ed25519Supported();
      const k = ok ? await loadKey(session.username) : null;
      if (!live) return;
      setSupported(ok);
      setKey(k);
      setKeyPrint(k ? await fingerprint(k.publicKey) : null);
    })();
    return () => {
      live = false;
    };
  }, [session.username]);

  const sign = useMutation({
    mutationFn: async () => {
      const h = handover.data!;
      let k = key;
      if (!k) {
        k = await createKey(session.username);
        setKey(k);
        setKeyPrint(await fingerprint(k.publicKey));
      }
      return signHandover(id, { side, publicKey: k.publicKey, signature: await signText(k, h.statementText) });
    },
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: handoverKey(id) });
      await qc.invalidateQueries({ queryKey: ['guards'] });
    },
  });

  const h = handover.data;
  if (handover.error) return <ApiErrorAlert error={handover.error} title={t('handover.notLoaded')} testId="handover-error" />;
  if (!h) return <Text size="sm">{t('handover.loading')}</Text>;
  const s = h.statement as unknown as HandoverStatement;
  const signedSides = new Set(h.signatures.map((x) => x.side));
  const when = (iso: string | Date) => new Date(iso).toLocaleString(i18n.language);
  const counts = Object.entries(s.count.byStatus);
  return (
    <Stack gap="sm" data-testid="handover" data-status={h.status}>
      <Title order={1} size="h3">
        {t('handover.of', { facility: s.facilityCode })}
      </Title>
      {h.status === 'completed' ? (
        <Alert color="teal" data-testid="handover-custody">
          {t('handover.completed', { organisation: t(`org.${s.incoming.organisation}`), commander: s.incoming.commander, at: when(h.completedAt!) })}
        </Alert>
      ) : (
        <Alert color="yellow" data-testid="handover-custody">
          {t('handover.halfSigned', { organisation: t(`org.${s.outgoing.organisation}`), commander: s.outgoing.commander, count: h.signatures.length })}
        </Alert>
      )}
      <Paper withBorder p="sm" radius="md" data-testid="handover-statement">
        <Title order={2} size="h5" mb={4}>
          {t('handover.statement', { at: when(s.at) })}
        </Title>
        <Text size="sm">{t('handover.outgoing', { organisation: t(`org.${s.outgoing.organisation}`), commander: s.outgoing.commander })}</Text>
        <Text size="sm">{t('handover.incoming', { organisation: t(`org.${s.incoming.organisation}`), commander: s.incoming.commander })}</Text>
        <Table mt="xs" data-testid="handover-counts">
          <Table.Tbody>
            {counts.map(([status, n]) => (
              <Table.Tr key={status}>
                <Table.Td>{t('handover.status', { status: tr(`status.${status}`) })}</Table.Td>
                <Table.Td className="mono" data-testid={`handover-count-${status}`}>
                  {n.toLocaleString(i18n.language)}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <Text size="xs" c="dimmed" mt={4}>
          {s.count.lastRollcall ? t('handover.lastRollcall', { at: when(s.count.lastRollcall.closedAt) }) : t('handover.noRollcall')}
        </Text>
      </Paper>
      <Paper withBorder p="sm" radius="md" data-testid="handover-signatures">
        <Group justify="space-between" mb={4}>
          <Title order={2} size="h5">
            {t('handover.signatures', { count: h.signatures.length })}
          </Title>
          {check.data && (
            <Badge
              color={check.data.ok ? 'teal' : 'red'}
              data-testid="handover-verify"
              data-ok={String(check.data.ok)}
              data-intact={String(check.data.statementIntact)}
            >
              {check.data.statementIntact ? (check.data.ok ? t('handover.verified') : t('handover.badSignature')) : t('handover.notIntact')}
            </Badge>
          )}
        </Group>
        {h.signatures.length === 0 && <Text size="sm">{t('handover.noneSigned')}</Text>}
        {h.signatures.map((x) => (
          <Text key={x.side} size="sm" data-testid={`handover-signed-${x.side}`}>
            {t(`handover.side.${x.side}`)}: {t('handover.signedAt', { at: when(x.signedAt) })}{' '}
            {check.data?.sides.find((c) => c.side === x.side)?.valid === false ? `(${t('handover.invalid')})` : ''}
          </Text>
        ))}
      </Paper>
      {h.status === 'open' && session.can('guards.manage') && (
        <Paper withBorder p="sm" radius="md" data-testid="handover-sign">
          <Stack gap="xs">
            <Text size="sm">{t('handover.signIntro')}</Text>
            {supported === false && <Alert color="red">{t('handover.noEd25519')}</Alert>}
            <Text size="xs" c="dimmed" data-testid="handover-key">
              {keyPrint ? t('handover.yourKey', { print: keyPrint }) : t('handover.noKey')}
            </Text>
            <SegmentedControl
              value={side}
              onChange={(v) => setSide(v as 'outgoing' | 'incoming')}
              data={(['outgoing', 'incoming'] as const).map((v) => ({ value: v, label: t(`handover.side.${v}`), disabled: signedSides.has(v) }))}
              data-testid="handover-side"
            />
            <ApiErrorAlert error={sign.error} title={t('handover.notSigned')} testId="handover-sign-error" />
            <Group justify="flex-end">
              <Button onClick={() => sign.mutate()} disabled={!supported || signedSides.has(side)} loading={sign.isPending} data-testid="handover-sign-button">
                {t('handover.signAs', { side: t(`handover.side.${side}`) })}
              </Button>
            </Group>
          </Stack>
        </Paper>
      )}
    </Stack>
  );
}
