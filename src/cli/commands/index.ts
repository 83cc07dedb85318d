import type { Command } from 'commander';

/** Every CLI command module exports `register(program)`; add one line per command here. */
export type CommandRegistrar = (program: Command) => void;

export const commandRegistrars: CommandRegistrar[] = [];
