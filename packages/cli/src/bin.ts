#!/usr/bin/env node
import { buildProgram } from './program';

buildProgram()
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    console.error(`peergov: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
