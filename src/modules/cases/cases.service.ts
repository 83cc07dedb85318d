import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db/database';
import type { Deadlines } from '../../platform/deadlines';
import type { IdGenerator } from '../../platform/ids';
import type { Outbox } from '../../platform/outbox';
import type { AuditService } from '../audit';
import { CasesFiguresService } from './cases.figures.service';
import { CasesLegalService } from './cases.legal.service';
import type { CasesPorts } from './cases.ports';
import { CasesReintegrationService } from './cases.reintegration.service';

/**
 * The case work (issue 23): each part its own service, reached as `services.cases.<part>`, so that the parts built
 * side by side (legal, reintegration, figures; repatriation, families) each add a field here and nothing else.
 */
export class CasesService {
  readonly legal: CasesLegalService;
  readonly reintegration: CasesReintegrationService;
  readonly figures: CasesFiguresService;

  constructor(db: Db, clock: Clock, ids: IdGenerator, audit: AuditService, outbox: Outbox, deadlines: Deadlines, ports: CasesPorts) {
    this.legal = new CasesLegalService(db, clock, ids, audit, outbox, deadlines, ports);
    this.reintegration = new CasesReintegrationService(db, clock, ids, audit, outbox, deadlines, ports, this.legal);
    this.figures = new CasesFiguresService(db, clock);
  }
}
