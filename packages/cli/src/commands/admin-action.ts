// What `peergov admin` does (its options are in admin.ts): loaded only when a subcommand runs.
import { AuthService } from '@peergov/server/auth';
import type { CreateUserOptions } from './admin';
import { openFromOptions } from './store-options';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** `peergov admin create-user`: creates an account with the password given or read from standard input. */
export async function createUser(o: CreateUserOptions): Promise<void> {
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
}
