/** The registry: who each person is (names in every script, birth, nationality, documents, family). */
export {
  RegistryService,
  type PersonView,
  type PersonSummary,
  type HouseholdView,
  type HouseholdDetail,
} from './registry.service';
export type { PlacementSummary, RegistryPorts } from './registry.ports';
export { PersonChanged } from './registry.events';
export {
  detectScript,
  nameSearchKey,
  normaliseBirth,
  birthLabel,
  possiblyMinor,
  SEXES,
  VULNERABILITIES,
  RELATION_KINDS,
  DOCUMENT_TYPES,
  NAME_PART_KEYS,
  DUPLICATE_NAME_SCORE,
  compatibleForDuplicate,
} from './registry.domain';
export {
  CreatePersonBody,
  UpdatePersonBody,
  NameInput,
  DocumentInput,
  RelationInput,
  CreateHouseholdBody,
  SearchPersonsQuery,
  PersonParams,
  type CreatePersonInput,
  type UpdatePersonInput,
} from './registry.dto';
export { findPersonRow, scopeCondition } from './registry.repository';
/**
 * Read models: tables other modules may read (in SQL, through this import: `${persons}` renders the name), never write.
 * Who each person is: the person row (birth, enrolling facility), names in every script, nationalities, documents.
 */
export { persons, personNames, personNationalities, identityDocuments } from './registry.schema';
/** Family links (ended ones kept, with `ended_at`): the cases module's family view and child-separation rules read them. */
export { personRelations } from './registry.schema';
