#!/usr/bin/env node
// The `peergov` command. Imports only the command table: the module of the subcommand that runs is loaded then.
import { buildProgramFor } from './commands/index';

buildProgramFor(process.argv.slice(2))
  .then((program) => program.parseAsync(process.argv))
  .catch((error: unknown) => {
    console.error(`peergov: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
