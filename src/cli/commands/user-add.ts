import type { Command } from 'commander';
import { ValidationError } from '../../platform/errors';
import { configFromOptions, openApp } from '../../main';
import { systemActor, ROLES, type Role } from '../../modules/access';
import { findFacilityByCode } from '../../modules/facilities';
import { readStdin } from '../stdin';

const collect = (value: string, previous: string[]) => [...previous, value];

export function register(program: Command): void {
  const user = program.command('user').description('Manage users');
  user
    .command('add')
    .description('Create a user; the password is read from standard input')
    .requiredOption('--username <name>', 'login name')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .option('--facility <code>', 'facility in scope (repeatable)', collect, [])
    .option('--nationality <iso3>', 'nationality in scope (repeatable)', collect, [])
    .option('--display-name <name>', 'name shown in the interface')
    .option('--data <dir>', 'data folder for the embedded database', './data')
    .action(async (opts: { username: string; role: string; facility: string[]; nationality: string[]; displayName?: string; data: string }) => {
      const password = (await readStdin()).replace(/\r?\n$/, '');
      const services = await openApp(configFromOptions(opts));
      try {
        const facilityIds: string[] = [];
        for (const code of opts.facility) {
          const f = await findFacilityByCode(services.database.db, code);
          if (!f) throw new ValidationError('access.unknown_facility', `No facility with code ${code}`);
          facilityIds.push(f.id);
        }
        const created = await services.access.createUser(systemActor('user administration (cli)'), {
          username: opts.username,
          password,
          role: opts.role as Role,
          displayName: opts.displayName,
          facilityIds,
          nationalities: opts.nationality,
        });
        process.stdout.write(`Created ${created.role} ${created.username} (${created.id})\n`);
      } finally {
        await services.close();
      }
    });
}
