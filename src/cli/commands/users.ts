import type { Command } from 'commander';
import {
  AccountError,
  createUser,
  findLogin,
  listUsers,
  ROLES,
  type Role,
  randomSecret,
  setPassword,
} from '../../storage/accounts.js';
import { recordAudit } from '../../storage/audit-log.js';
import {
  CliError,
  type GlobalOptions,
  organizationFor,
  printJson,
  printTable,
  withStore,
} from '../context.js';
import { out } from '../io.js';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Accounts from the command line: for the first admin's colleagues, and for an admin locked out. */
export function registerUsersCommands(program: Command, globals: () => GlobalOptions): void {
  const users = program.command('users').description('user accounts of an organisation (the server logins)');
  users
    .command('list')
    .description('list the users of an organisation')
    .option('--org <slug>', 'organisation (default: the only one)')
    .option('--json', 'print JSON')
    .action(async (opts: { org?: string; json?: boolean }) => {
      await withStore(globals(), async (store) => {
        const org = await organizationFor(store, opts.org);
        const list = await listUsers(store.db, org.id);
        if (opts.json) printJson(list);
        else
          printTable(
            list.map((u) => ({
              id: u.id,
              email: u.email,
              name: u.name,
              role: u.role,
              agent: u.agent_id ?? '',
              teams: u.team_ids.join(','),
              disabled: u.disabled_at ? 'yes' : '',
            })),
          );
      });
    });

  users
    .command('add')
    .description('create a user; prints a one-time password to change at first login')
    .argument('<email>', 'login e-mail')
    .requiredOption('--name <name>', 'display name')
    .requiredOption('--role <role>', ROLES.join(' | '))
    .option('--agent <id>', 'the agent this user is (role agent)')
    .option('--team <id>', 'a team this user leads (repeatable; role team_lead)', collect, [])
    .option('--org <slug>', 'organisation (default: the only one)')
    .action(
      async (
        email: string,
        opts: { name: string; role: string; agent?: string; team: string[]; org?: string },
      ) => {
        if (!ROLES.includes(opts.role as Role))
          throw new CliError(`--role must be one of ${ROLES.join(', ')}`, 2);
        await withStore(globals(), async (store) => {
          const org = await organizationFor(store, opts.org);
          const password = randomSecret(15);
          try {
            const user = await createUser(store.db, org.id, {
              email,
              name: opts.name,
              role: opts.role as Role,
              password,
              agentId: opts.agent ?? null,
              teamIds: opts.team,
              mustChangePassword: true,
            });
            await recordAudit(store.db, {
              orgId: org.id,
              actorUserId: null,
              actor: 'cli',
              action: 'user_created',
              targetType: 'user',
              targetId: user.id,
              detail: { email: user.email, role: user.role },
            });
            out(`created ${user.role} ${user.email} in ${org.slug}; one-time password: ${password}\n`);
          } catch (error) {
            if (error instanceof AccountError)
              throw new CliError(`${error.field ?? 'user'}: ${error.message}`);
            throw error;
          }
        });
      },
    );

  users
    .command('reset-password')
    .description("replace a user's password with a one-time password (ends their sessions)")
    .argument('<email>', 'login e-mail')
    .action(async (email: string) => {
      await withStore(globals(), async (store) => {
        const login = await findLogin(store.db, email);
        if (!login) throw new CliError(`no user ${email}`);
        const password = randomSecret(15);
        await setPassword(store.db, login.org_id, login.id, password, { mustChange: true });
        await recordAudit(store.db, {
          orgId: login.org_id,
          actorUserId: null,
          actor: 'cli',
          action: 'password_reset',
          targetType: 'user',
          targetId: login.id,
        });
        out(`one-time password for ${login.email}: ${password}\n`);
      });
    });
}
