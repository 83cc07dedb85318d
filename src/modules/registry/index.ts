/** The registry: who each person is (names in every script, birth, nationality, documents, family). */
export {
  RegistryService,
  type PersonView,
  type PersonSummary,
} from './registry.service';
export type { PlacementSummary, RegistryPorts } from './registry.ports';
export { PersonChanged } from './registry.events';
export {
  detectScript,
  nameSearchKey,
  normaliseBirth,
  possiblyMinor,
  SEXES,
  VULNERABILITIES,
  RELATION_KINDS,
  DOCUMENT_TYPES,
  NAME_PART_KEYS,
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
