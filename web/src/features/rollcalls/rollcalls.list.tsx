import { useEffect, useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { ActionIcon, Badge, Button, Group, Menu, Text } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { statusLabel } from '../../lib/format';
import { Name } from '../../components/Name';
import type { MarkResult, SheetRow } from './rollcalls.api';
import type { LocalMark } from './rollcalls.marks';
import { useRecordPhotos } from '../verify/photos';

/** Where an excused person is (`rollcalls:excuse.*`). */
const EXCUSES = ['hospital', 'court', 'transfer'] as const;

const ROW_H = 68;
/** On a phone the name takes its own line above the buttons (see .rollcall-row in app.css). */
const ROW_H_NARROW = 112;

/** The expected persons, virtualised (a camp-wide list has tens of thousands), with the mark buttons when allowed. */
export function RollcallList({
  rows,
  marks,
  unitCode,
  onMark,
  onVerify,
}: {
  rows: SheetRow[];
  marks: Map<string, LocalMark>;
  unitCode: Map<string, string>;
  onMark?: (personId: string, result: MarkResult, reason?: string) => void;
  /** Opens the biometric verification of a row (roles that may verify, while the roll call is open). */
  onVerify?: (row: SheetRow) => void;
}) {
  const { t } = useTranslation('verify');
  const { t: tr } = useTranslation('rollcalls');
  const parent = useRef<HTMLDivElement>(null);
  const narrow = useMediaQuery('(max-width: 520px)') ?? false;
  const rowH = narrow ? ROW_H_NARROW : ROW_H;
  const v = useVirtualizer({ count: rows.length, getScrollElement: () => parent.current, estimateSize: () => rowH, overscan: 8 });
  useEffect(() => v.measure(), [rowH, v]);
  // the record photos of the rows on screen (each shown is an audited read of the record, for custody operations)
  const photos = useRecordPhotos(
    v.getVirtualItems().map((i) => rows[i.index]!.personId),
    { purpose: 'custody_operations' },
  );
  return (
    <div
      ref={parent}
      style={{ height: 'calc(100vh - 330px)', minHeight: 320, overflow: 'auto' }}
      data-testid="rollcall-list"
      role="list"
      aria-label={tr('list.label')}
    >
      {rows.length === 0 && (
        <Text c="dimmed" p="md">
          {tr('list.nobody')}
        </Text>
      )}
      <div style={{ height: v.getTotalSize(), position: 'relative' }}>
        {v.getVirtualItems().map((item) => {
          const r = rows[item.index]!;
          const m = marks.get(r.personId);
          return (
            <div
              key={r.personId}
              className="rollcall-row"
              role="listitem"
              data-testid="rollcall-row"
              data-person-id={r.personId}
              data-result={m?.result ?? ''}
              data-verified={m?.verified?.method ?? ''}
              style={{ position: 'absolute', top: 0, insetInline: 0, height: rowH, transform: `translateY(${item.start}px)` }}
            >
              <div className="rollcall-row-who">
                <RowPhoto src={photos.get(r.personId)} />
                <div className="rollcall-row-names">
                  <Name fw={600} truncate="end" display="block">
                    {r.name ?? r.personId.slice(0, 8)}
                  </Name>
                  <Group gap={6} wrap="nowrap">
                    <Text size="xs" c="dimmed" truncate="end">
                      {r.unitId ? (unitCode.get(r.unitId) ?? '') : ''}
                      {r.statusAtOpen !== 'in_custody'
                        ? ` · ${statusLabel(r.statusAtOpen)}${r.outReason ? ` (${tr(`excuse.${r.outReason}`, { defaultValue: r.outReason })})` : ''}`
                        : ''}
                      {m ? ` · ${tr(`count.${m.result}`)}${m.reason ? ` (${tr(`excuse.${m.reason}`, { defaultValue: m.reason })})` : ''}` : ''}
                    </Text>
                    {m?.verified && (
                      <Badge size="xs" color="indigo" variant="light" style={{ flexShrink: 0 }} data-testid="row-verified" title={m.verified.ref}>
                        {t('rollcall.verifiedBadge', { method: t(`modality.${m.verified.method}`) })}
                      </Badge>
                    )}
                  </Group>
                </div>
              </div>
              {onMark && (
                <Group gap={8} wrap="nowrap">
                  {onVerify && (
                    <ActionIcon
                      className="verify-target"
                      size={48}
                      variant={m?.verified ? 'filled' : 'light'}
                      color="indigo"
                      onClick={() => onVerify(r)}
                      aria-label={t('rollcall.verifyRow')}
                      title={t('rollcall.verifyRow')}
                      data-testid="mark-verify"
                    >
                      <VerifyIcon />
                    </ActionIcon>
                  )}
                  <Button
                    className="big-target"
                    size="lg"
                    color="teal"
                    variant={m?.result === 'present' ? 'filled' : 'light'}
                    onClick={() => onMark(r.personId, 'present')}
                    aria-pressed={m?.result === 'present'}
                    data-testid="mark-present"
                  >
                    {tr('count.present')}
                  </Button>
                  <Button
                    className="big-target"
                    size="lg"
                    color="red"
                    variant={m?.result === 'absent' ? 'filled' : 'light'}
                    onClick={() => onMark(r.personId, 'absent')}
                    aria-pressed={m?.result === 'absent'}
                    data-testid="mark-absent"
                  >
                    {tr('count.absent')}
                  </Button>
                  <Menu position="bottom-end" withinPortal>
                    <Menu.Target>
                      <Button
                        className="big-target"
                        size="lg"
                        color="blue"
                        variant={m?.result === 'excused' ? 'filled' : 'light'}
                        aria-pressed={m?.result === 'excused'}
                        data-testid="mark-excused"
                      >
                        {tr('count.excused')}
                      </Button>
                    </Menu.Target>
                    <Menu.Dropdown>
                      <Menu.Label>{tr('list.excusedWhere')}</Menu.Label>
                      {EXCUSES.map((e) => (
                        <Menu.Item key={e} onClick={() => onMark(r.personId, 'excused', e)} fz="md" py={10}>
                          {tr(`excuse.${e}`)}
                        </Menu.Item>
                      ))}
                    </Menu.Dropdown>
                  </Menu>
                </Group>
              )}
            </div>
          );
        })}
      </div>
    </div>
  );
}

/** A face in a scanning frame: the verify action of a row. */
function VerifyIcon() {
  return (
    <svg width="26" height="26" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" aria-hidden="true">
      <path d="M4 8V6a2 2 0 0 1 2-2h2M16 4h2a2 2 0 0 1 2 2v2M20 16v2a2 2 0 0 1-2 2h-2M8 20H6a2 2 0 0 1-2-2v-2" />
      <circle cx="12" cy="10" r="3" />
      <path d="M7.5 17c1-2 2.6-3 4.5-3s3.5 1 4.5 3" />
    </svg>
  );
}

/** The record photo's thumbnail on a row, or an empty frame of the same size (no photo, or not yet loaded). */
function RowPhoto({ src }: { src: string | null | undefined }) {
  return src ? (
    <img src={src} alt="" width={36} height={48} className="rollcall-row-photo" data-testid="row-photo" />
  ) : (
    <span className="rollcall-row-photo" aria-hidden="true" />
  );
}
