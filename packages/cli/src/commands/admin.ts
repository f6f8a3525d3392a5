import type { Command } from 'commander';
import { storeOptions, type StoreOptions } from './store-options';

export interface CreateUserOptions extends StoreOptions {
  email: string;
  name: string;
  password?: string;
  passwordStdin?: boolean;
}

/**
 * `peergov admin ...`: administration of the platform. Only the options here: the accounts service (argon2) and the
 * store load when a subcommand runs.
 */
export function registerAdmin(program: Command): void {
  const admin = program.command('admin').description('administer the platform (accounts)');
  storeOptions(
    admin
      .command('create-user')
      .description('create an account')
      .requiredOption('--email <email>', 'the account email')
      .requiredOption('--name <name>', 'display name')
      .option('--password <password>', 'password (at least 8 characters); prefer --password-stdin')
      .option('--password-stdin', 'read the password from standard input'),
  ).action(async (o: CreateUserOptions) => (await import('./admin-action')).createUser(o));
}
