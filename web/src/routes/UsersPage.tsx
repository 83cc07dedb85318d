import { useState } from 'react';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Badge,
  Button,
  Group,
  Menu,
  Modal,
  MultiSelect,
  Paper,
  PasswordInput,
  ScrollArea,
  SegmentedControl,
  Select,
  Stack,
  Table,
  TagsInput,
  Text,
  TextInput,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { api, apiPage, qs } from '../lib/api';
import { useFacilities, useFacilityNames, facilityOptions } from '../lib/queries';
import { useSession } from '../lib/session';
import { ApiErrorAlert } from '../components/ApiErrorAlert';
import { ErrorNote } from '../components/Problems';
import { PageHeader } from '../components/PageHeader';
import { Pager } from '../features/admin/Pager';
import { ROLES, type Role, type User } from '../features/admin/admin.api';

const PAGE = 50;
type StateFilter = 'all' | 'active' | 'disabled';

/** Roles whose accounts need a scope to be of use (access.domain scopeRequirement). */
const NEEDS_SCOPE: Partial<Record<Role, 'facility' | 'nationality'>> = { officer: 'facility', liaison: 'nationality' };

/** A one-time password to hand over: 16 characters from an alphabet without look-alikes. */
function generatePassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

/**
 * User accounts (users.manage): who may sign in, with which role and scope. New accounts and reset passwords are
 * one-time passwords the user must change at the next sign-in; a disabled account cannot sign in and its sessions end.
 * The API refuses what would widen rights (one's own role or scope, a scope past the administrator's, the last admin).
 */
export default function UsersPage() {
  const { t } = useTranslation('admin');
  const session = useSession();
  const names = useFacilityNames();
  const [q, setQ] = useState('');
  const [dq] = useDebouncedValue(q.trim(), 250);
  const [role, setRole] = useState<Role | null>(null);
  const [state, setState] = useState<StateFilter>('all');
  const [page, setPage] = useState(0);
  const [editing, setEditing] = useState<User | 'new' | null>(null);
  const [resetting, setResetting] = useState<User | null>(null);
  const [toggling, setToggling] = useState<User | null>(null);

  const list = useQuery({
    queryKey: ['users', dq, role, state, page],
    queryFn: () =>
      apiPage<User>(`/users${qs({ q: dq, role, active: state === 'all' ? undefined : String(state === 'active'), limit: PAGE, offset: page * PAGE })}`),
    placeholderData: keepPreviousData,
  });
  const rows = list.data?.rows ?? [];
  const scopeText = (u: User) =>
    [u.facilityIds.map((id) => names.get(id)?.code ?? id.slice(0, 8)).join(', '), u.nationalities.join(', ')].filter(Boolean).join(' · ') ||
    t('users.unscoped');

  return (
    <Stack gap="md">
      <PageHeader
        title={t('users.title')}
        description={t('users.description')}
        actions={
          <Button onClick={() => setEditing('new')} data-testid="user-new">
            {t('users.new')}
          </Button>
        }
      />
      <Paper withBorder p="sm" radius="md">
        <Group gap="sm" align="flex-end" wrap="wrap">
          <TextInput
            label={t('users.filter')}
            placeholder={t('users.filterPlaceholder')}
            value={q}
            onChange={(e) => {
              setQ(e.currentTarget.value);
              setPage(0);
            }}
            data-testid="user-filter"
            w={220}
          />
          <Select
            label={t('users.role')}
            placeholder={t('users.anyRole')}
            clearable
            data={ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }))}
            value={role}
            onChange={(v) => {
              setRole(v as Role | null);
              setPage(0);
            }}
            w={180}
            data-testid="user-role-filter"
          />
          <SegmentedControl
            value={state}
            onChange={(v) => {
              setState(v as StateFilter);
              setPage(0);
            }}
            data={[
              { value: 'all', label: t('users.all') },
              { value: 'active', label: t('users.active') },
              { value: 'disabled', label: t('users.disabled') },
            ]}
          />
        </Group>
      </Paper>
      <ErrorNote error={list.error} what={t('users.title')} />
      {list.data && <Pager page={page} size={PAGE} shown={rows.length} total={list.data.total} onPage={setPage} testId="users" />}
      {list.data && (
        <Paper withBorder radius="md">
          <ScrollArea type="auto">
            <Table verticalSpacing="sm" miw={640} data-testid="users-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('users.username')}</Table.Th>
                  <Table.Th>{t('users.role')}</Table.Th>
                  <Table.Th>{t('users.scope')}</Table.Th>
                  <Table.Th>{t('users.state')}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((u) => (
                  <Table.Tr key={u.id} data-testid="user-row" data-username={u.username}>
                    <Table.Td>
                      <Text fw={600} className="mono">
                        {u.username}
                      </Text>
                      {u.displayName && (
                        <Text size="sm" c="dimmed">
                          {u.displayName}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Badge variant="light">{t(`roles.${u.role}`)}</Badge>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{scopeText(u)}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        <Badge color={u.active ? 'teal' : 'gray'} variant="light" data-testid="user-state">
                          {u.active ? t('users.active') : t('users.disabled')}
                        </Badge>
                        {u.mustChangePassword && (
                          <Badge color="yellow" variant="light">
                            {t('users.mustChange')}
                          </Badge>
                        )}
                      </Group>
                    </Table.Td>
                    <Table.Td ta="end">
                      <Menu position="bottom-end" withinPortal>
                        <Menu.Target>
                          <Button size="xs" variant="default" data-testid="user-actions" aria-label={t('users.actionsFor', { username: u.username })}>
                            {t('users.actions')}
                          </Button>
                        </Menu.Target>
                        <Menu.Dropdown>
                          <Menu.Item onClick={() => setEditing(u)} data-testid="user-edit">
                            {t('users.edit')}
                          </Menu.Item>
                          <Menu.Item disabled={u.id === session.userId} onClick={() => setResetting(u)} data-testid="user-reset">
                            {t('users.reset')}
                          </Menu.Item>
                          <Menu.Item
                            color={u.active ? 'red' : undefined}
                            disabled={u.id === session.userId}
                            onClick={() => setToggling(u)}
                            data-testid="user-toggle"
                          >
                            {u.active ? t('users.disable') : t('users.enable')}
                          </Menu.Item>
                        </Menu.Dropdown>
                      </Menu>
                    </Table.Td>
                  </Table.Tr>
                ))}
                {rows.length === 0 && (
                  <Table.Tr>
                    <Table.Td colSpan={5}>
                      <Text c="dimmed">{t('users.empty')}</Text>
                    </Table.Td>
                  </Table.Tr>
                )}
              </Table.Tbody>
            </Table>
          </ScrollArea>
        </Paper>
      )}
      {editing && (
        <UserForm user={editing === 'new' ? null : editing} self={editing !== 'new' && editing.id === session.userId} onClose={() => setEditing(null)} />
      )}
      {resetting && <ResetPassword user={resetting} onClose={() => setResetting(null)} />}
      {toggling && <ToggleActive user={toggling} onClose={() => setToggling(null)} />}
    </Stack>
  );
}

/** Create an account, or edit another's role, scope and display name (one's own: the display name only). */
function UserForm({ user, self, onClose }: { user: User | null; self: boolean; onClose: () => void }) {
  const { t } = useTranslation('admin');
  const qc = useQueryClient();
  const facilities = useFacilities().data ?? [];
  const [username, setUsername] = useState(user?.username ?? '');
  const [displayName, setDisplayName] = useState(user?.displayName ?? '');
  const [role, setRole] = useState<Role>(user?.role ?? 'registrar');
  const [facilityIds, setFacilityIds] = useState<string[]>(user?.facilityIds ?? []);
  const [nationalities, setNationalities] = useState<string[]>(user?.nationalities ?? []);
  const [password, setPassword] = useState('');
  const [missing, setMissing] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: () =>
      user
        ? api<User>(`/users/${user.id}`, {
            method: 'PATCH',
            body: self ? { displayName: displayName.trim() || null } : { role, facilityIds, nationalities, displayName: displayName.trim() || null },
          })
        : api<User>('/users', {
            method: 'POST',
            body: {
              username: username.trim(),
              password,
              role,
              facilityIds,
              nationalities,
              displayName: displayName.trim() || undefined,
              mustChangePassword: true,
            },
          }),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: ['users'] });
      onClose();
    },
  });
  const needs = NEEDS_SCOPE[role];
  function submit() {
    if (!user && !username.trim()) return setMissing(t('users.needUsername'));
    if (!user && password.length < 10) return setMissing(t('users.needPassword'));
    if (needs === 'facility' && facilityIds.length === 0) return setMissing(t('users.needFacility'));
    if (needs === 'nationality' && nationalities.length === 0) return setMissing(t('users.needNationality'));
    setMissing(null);
    save.mutate();
  }
  return (
    <Modal opened onClose={onClose} title={user ? t('users.editTitle', { username: user.username }) : t('users.newTitle')} size="lg">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <Stack gap="sm" data-testid="user-form">
          {!user && (
            <TextInput
              label={t('users.username')}
              description={t('users.usernameHint')}
              value={username}
              onChange={(e) => setUsername(e.currentTarget.value)}
              required
              data-testid="user-username"
              autoComplete="off"
            />
          )}
          <TextInput
            label={t('users.displayName')}
            value={displayName}
            onChange={(e) => setDisplayName(e.currentTarget.value)}
            data-testid="user-display-name"
          />
          {self ? (
            <Text size="sm" c="dimmed">
              {t('users.ownRights')}
            </Text>
          ) : (
            <>
              <Select
                label={t('users.role')}
                allowDeselect={false}
                data={ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }))}
                value={role}
                onChange={(v) => v && setRole(v as Role)}
                data-testid="user-role"
                comboboxProps={{ withinPortal: true }}
              />
              <MultiSelect
                label={t('users.facilities')}
                description={needs === 'facility' ? t('users.facilitiesRequired') : t('users.facilitiesHint')}
                data={facilityOptions(facilities)}
                value={facilityIds}
                onChange={setFacilityIds}
                searchable
                data-testid="user-facilities"
              />
              <TagsInput
                label={t('users.nationalities')}
                description={needs === 'nationality' ? t('users.nationalitiesRequired') : t('users.nationalitiesHint')}
                value={nationalities}
                onChange={(v) => setNationalities(v.map((n) => n.trim().toUpperCase()).filter(Boolean))}
                data-testid="user-nationalities"
              />
            </>
          )}
          {!user && (
            <Group align="flex-end" gap="xs" wrap="nowrap">
              <PasswordInput
                style={{ flex: 1 }}
                label={t('users.initialPassword')}
                description={t('users.initialPasswordHint')}
                value={password}
                onChange={(e) => setPassword(e.currentTarget.value)}
                required
                data-testid="user-password"
                autoComplete="new-password"
              />
              <Button variant="default" onClick={() => setPassword(generatePassword())}>
                {t('users.generate')}
              </Button>
            </Group>
          )}
          {missing && (
            <Text c="red" size="sm" role="alert" data-testid="user-form-missing">
              {missing}
            </Text>
          )}
          <ApiErrorAlert error={save.error} title={t('notSaved')} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('cancel')}
            </Button>
            <Button type="submit" loading={save.isPending} data-testid="user-save">
              {user ? t('save') : t('users.create')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function ResetPassword({ user, onClose }: { user: User; onClose: () => void }) {
  const { t } = useTranslation('admin');
  const qc = useQueryClient();
  const [password, setPassword] = useState(generatePassword);
  const reset = useMutation({
    mutationFn: () => api<User>(`/users/${user.id}/reset-password`, { method: 'POST', body: { password } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['users'] }),
  });
  return (
    <Modal opened onClose={onClose} title={t('users.resetTitle', { username: user.username })}>
      <Stack gap="sm">
        <Text size="sm">{t('users.resetExplain')}</Text>
        <PasswordInput
          label={t('users.initialPassword')}
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
          disabled={reset.isSuccess}
          data-testid="reset-password"
          autoComplete="new-password"
        />
        <ApiErrorAlert error={reset.error} title={t('notSaved')} />
        {reset.isSuccess && (
          <Text size="sm" c="teal.8" data-testid="reset-done">
            {t('users.resetDone')}
          </Text>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {reset.isSuccess ? t('close') : t('cancel')}
          </Button>
          {!reset.isSuccess && (
            <Button onClick={() => reset.mutate()} loading={reset.isPending} disabled={password.length < 10} data-testid="reset-confirm">
              {t('users.reset')}
            </Button>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}

function ToggleActive({ user, onClose }: { user: User; onClose: () => void }) {
  const { t } = useTranslation('admin');
  const qc = useQueryClient();
  const verb = user.active ? 'disable' : 'enable';
  const toggle = useMutation({
    mutationFn: () => api<User>(`/users/${user.id}/${verb}`, { method: 'POST' }),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: ['users'] });
      onClose();
    },
  });
  return (
    <Modal opened onClose={onClose} title={t(`users.${verb}Title`, { username: user.username })}>
      <Stack gap="sm">
        <Text size="sm">{t(`users.${verb}Explain`)}</Text>
        <ApiErrorAlert error={toggle.error} title={t('notSaved')} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('cancel')}
          </Button>
          <Button color={user.active ? 'red' : undefined} onClick={() => toggle.mutate()} loading={toggle.isPending} data-testid="toggle-confirm">
            {t(`users.${verb}`)}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
