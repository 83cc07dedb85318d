import { Command, CommanderError } from 'commander';
import { isDomainError } from '../platform/errors';
import { commandRegistrars } from './commands';

/** Builds the `custos` command line. Each command lives in `commands/<verb-noun>.ts` and registers itself. */
export function buildProgram(): Command {
  const program = new Command('custos').description('Custos: digital custody of every person held in a camp or prison').showHelpAfterError().exitOverride();
  for (const register of commandRegistrars) register(program);
  return program;
}

export async function runCli(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode;
      return;
    }
    if (isDomainError(err)) {
      process.stderr.write(`error: ${err.message} (${err.code})\n`);
      process.exitCode = 2;
      return;
    }
    throw err;
  }
}
