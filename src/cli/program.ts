import { Command, CommanderError } from 'commander';
import { EnvironmentError, isDomainError } from '../platform/errors';
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
    if (err instanceof EnvironmentError) {
      process.stderr.write(`${err.message}\n`);
      process.exitCode = 1;
      return;
    }
    // Node would print the source line of the throw, which inside PGlite's bundle is 166 KB of minified code: one
    // line of message instead, the stack only when asked for.
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`error: ${message.length > 2000 ? `${message.slice(0, 2000)}...` : message}\n`);
    if (process.env.CUSTOS_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    else process.stderr.write('(set CUSTOS_DEBUG=1 to see where)\n');
    // as the uncaught error did: whatever the failed command left open must not keep the process alive
    process.exit(1);
  }
}
