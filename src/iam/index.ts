/**
 * Identity-policy evaluation and execution-role analysis (issue 19, "blast radius"). Pure: no
 * I/O, no clock. docs/roles.md describes the model.
 */
export { analyseRole } from './analyse.js';
export { PROBE_REGION } from './representatives.js';
export type { DataWildcard, Escalation, RoleAnalysis, RoleFacts } from './analyse.js';
export { DATA_SERVICES } from './data-actions.js';
export type { DataService } from './data-actions.js';
export { ESCALATION_METHODS } from './escalation.js';
export type { EscalationKind, EscalationMethod } from './escalation.js';
export { evaluateRequest } from './evaluate.js';
export type { Decision, NamedDocument, Policies, Request, StatementRef } from './evaluate.js';
export { permissionsDigest } from './digest.js';
export { accountOf, resolveRole, summariseRole } from './resolve.js';
export type { KnownRole, RoleKnowledge, RoleSummary } from './resolve.js';
export type { TrustAudience, TrustGrant } from './trust.js';
