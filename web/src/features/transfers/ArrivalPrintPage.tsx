// The printable page for the receiving authority (issue 18): manifest with photos, counts, signatures, public keys
// and the fingerprint of the handover JSON, laid out for A4.
import { Badge, Button, Code, Group, Image, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { useRecordPhotos } from '../verify/photos';
import { printableOf, type Printable } from './arrival.api';

const PRINT_CSS = `
@page { size: A4; margin: 14mm; }
@media print {
  .mantine-AppShell-header, .mantine-AppShell-navbar, .no-print { display: none !important; }
  .mantine-AppShell-main { padding: 0 !important; }
  body { font-size: 10pt; }
  .print-sheet table { page-break-inside: auto; }
  .print-sheet tr { page-break-inside: avoid; }
  .print-key { font-size: 7pt; word-break: break-all; white-space: pre-wrap; }
}
`;

export default function ArrivalPrintPage({ id }: { id: string }) {
  const { t } = useTranslation('transfersarrival');
  const page = useQuery({ queryKey: ['transfers', 'printable', id], queryFn: () => printableOf(id) });
  const photos = useRecordPhotos(page.data?.manifest.map((x) => x.personId) ?? [], { purpose: 'receiving authority' });
  if (page.error) return <ApiErrorAlert error={page.error} title={t('notLoaded')} />;
  const p = page.data;
  if (!p) return null;
  const place = (f: { code: string | null; name: string | null }) => [f.code, f.name].filter(Boolean).join(' — ');
  return (
    <Stack className="print-sheet" gap="sm" data-testid="printable">
      <style>{PRINT_CSS}</style>
      <Group justify="space-between" className="no-print">
        <Button onClick={() => window.print()} data-testid="print-button">
          {t('printNow')}
        </Button>
      </Group>
      <Title order={2}>{t('printTitle', { code: p.movement.code })}</Title>
      <Text>
        {t('printOperation', { name: p.operation.name })} · {t('printFromTo', { from: place(p.from), to: place(p.to) })}
      </Text>
      {p.divertedFrom && <Text c="orange">{t('printDiverted', { from: place(p.divertedFrom) })}</Text>}
      <Group>
        <Badge size="lg">{t('printOn', { count: p.counts.on ?? 0 })}</Badge>
        <Badge size="lg">{t('printOff', { count: p.counts.off ?? 0 })}</Badge>
        <Badge size="lg" color={p.counts.missing ? 'red' : 'gray'}>
          {t('printMissing', { count: p.counts.missing })}
        </Badge>
        <Badge size="lg" color={p.counts.extra ? 'red' : 'gray'}>
          {t('printExtra', { count: p.counts.extra })}
        </Badge>
      </Group>
      <Title order={4}>{t('printManifest', { count: p.total })}</Title>
      <Table withTableBorder withColumnBorders>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>#</Table.Th>
            <Table.Th>{t('printPhoto')}</Table.Th>
            <Table.Th>{t('printName')}</Table.Th>
            <Table.Th>{t('printStatus')}</Table.Th>
            <Table.Th>{t('printBoarding')}</Table.Th>
            <Table.Th>{t('printArrival')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {p.manifest.map((x, i) => (
            <Table.Tr key={x.personId}>
              <Table.Td>{i + 1}</Table.Td>
              <Table.Td w={52}>{photos.get(x.personId) ? <Image src={photos.get(x.personId)!} w={36} h={48} alt="" /> : null}</Table.Td>
              <Table.Td>
                {x.name ?? '—'}
                <Text size="xs" c="dimmed">
                  {x.personId}
                </Text>
              </Table.Td>
              <Table.Td>{t(`move.${x.status}`, { defaultValue: x.status })}</Table.Td>
              <Table.Td>{t(`boarding.${x.boardingCheck}`)}</Table.Td>
              <Table.Td>{x.identifiedOff ? t('printIdentified') : '—'}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {p.extra.length > 0 && (
        <Text c="red">
          {t('printExtraNames', { count: p.extra.length })}: {p.extra.map((x) => x.name ?? x.personId).join(', ')}
        </Text>
      )}
      {p.stops.length > 0 && (
        <>
          <Title order={4}>{t('printStops', { count: p.stops.length })}</Title>
          {p.stops.map((s) => (
            <Text key={s.id}>
              {t(`stop.${s.kind}`)}: {place(s.facility)} — {s.reason} ({t('printPersons', { count: s.persons })})
            </Text>
          ))}
        </>
      )}
      <Title order={4}>{t('printSignatures')}</Title>
      <Signature label={t('printSender')} side={p.sender} />
      <Signature label={t('printReceiver')} side={p.receiver} />
      <Text fw={600}>{t('printFingerprint')}</Text>
      <Code block className="print-key" data-testid="handover-sha256">
        {p.handoverSha256}
      </Code>
      <Text size="xs" c="dimmed">
        {t('printFingerprintHelp')}
      </Text>
      <Text size="xs" c="dimmed">
        {t('printGenerated', { at: new Date(p.generatedAt).toISOString(), by: p.generatedBy })}
      </Text>
    </Stack>
  );
}

function Signature({ label, side }: { label: string; side: Printable['sender'] }) {
  const { t } = useTranslation('transfersarrival');
  if (!side)
    return (
      <Text>
        {label}: {t('printNotSigned')}
      </Text>
    );
  return (
    <Stack gap={2}>
      <Text>
        {label}: {t('printSignedBy', { user: side.signer.username, at: side.signedAt })}
      </Text>
      <Text size="xs">{t('printLedgerHead', { head: side.ledgerHead })}</Text>
      <Code block className="print-key">
        {side.publicKey}
      </Code>
      <Code block className="print-key">
        {side.signature}
      </Code>
    </Stack>
  );
}
