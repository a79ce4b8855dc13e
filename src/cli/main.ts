/**
 * Command line entry point: `npm run cli -- <command> ...` or the `netpol-playground` binary.
 * Bad input never ends in a stack trace: a message with file:line:column and exit code 2.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { argv, exit, stderr, stdout } from 'node:process';
import { InputError } from './inputs.ts';
import { run, type CommandOutput } from './run.ts';

function main(): void {
  let out: CommandOutput;
  try {
    out = run(argv.slice(2), { readStdin: () => readFileSync(0, 'utf8') });
  } catch (err) {
    if (err instanceof InputError) {
      stderr.write(`error: ${err.message}\n`);
      exit(err.exitCode);
    }
    stderr.write(`internal error: ${(err as Error).message}\n`);
    exit(3);
  }
  for (const f of out.files ?? []) {
    try {
      mkdirSync(dirname(f.path), { recursive: true });
      writeFileSync(f.path, f.text);
    } catch (err) {
      stderr.write(`error: ${f.path}: cannot write: ${(err as Error).message}\n`);
      exit(2);
    }
  }
  if (out.stderr) stderr.write(out.stderr);
  stdout.write(out.stdout, () => exit(out.exitCode));
}

main();
