import type { Command } from 'commander';
import { register as serve } from './serve';
import { register as demo } from './demo';
import { register as migrate } from './migrate';
import { register as userAdd } from './user-add';
import { register as ledgerVerify } from './ledger-verify';
import { register as ledgerExport } from './ledger-export';
import { register as faceScorePairs } from './face-score-pairs';
import { register as fingerprintScorePairs } from './fingerprint-score-pairs';
import { register as namesScorePairs } from './names-score-pairs';
import { register as rollcall } from './rollcall';
import { register as watchlistImport } from './watchlist-import';
import { register as screen } from './screen';
import { register as outbox } from './outbox';
import { register as transfer } from './transfer';
import { register as sensors } from './sensors';
import { register as review } from './review';
import { register as sync } from './sync';
import { register as site } from './site';

/** Every CLI command module exports `register(program)`; add one line per command here. */
export type CommandRegistrar = (program: Command) => void;

export const commandRegistrars: CommandRegistrar[] = [
  serve,
  demo,
  migrate,
  userAdd,
  ledgerVerify,
  ledgerExport,
  faceScorePairs,
  fingerprintScorePairs,
  namesScorePairs,
  rollcall,
  watchlistImport,
  screen,
  outbox,
  transfer,
  sensors,
  review,
  sync,
  site,
];
