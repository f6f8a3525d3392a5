import type { Command } from 'commander';
import { AuthService } from '@peergov/server/auth';
import { openFromOptions, storeOptions } from './store-options';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** `peergov admin ...`: administration of the platform. */
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
  ).action(
    async (o: {
      email: string;
      name: string;
      password?: string;
      passwordStdin?: boolean;
      dataDir?: string;
      databaseUrl?: string;
    }) => {
      const password = o.passwordStdin ? await readStdin() : o.password;
      if (!password) throw new Error('give a password with --password or --password-stdin');
      if (password.length < 8) throw new Error('the password must have at least 8 characters');
      const store = await openFromOptions(o);
      try {
        const account = await new AuthService(store).signUp(o.email, password, o.name);
        console.log(`created account ${account.id} for ${account.email}`);
      } finally {
        await store.close();
      }
    },
  );
}
