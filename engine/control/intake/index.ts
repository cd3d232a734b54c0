// HTTP intake: alerts from Alertmanager or scripts -> queued workflows. Rules and deployment in README.md.
export { IntakeServer, ALERT_PATHS, type IntakeServerOptions } from './server';
export { IntakeThread, type IntakeThreadOptions } from './thread';
export { acceptAlerts, type AcceptResult } from './accept';
export { loadOrCreateToken, TokenFileProblem } from './token';
export { DEFAULT_MAX_BODY_BYTES } from './body';
export { DEFAULT_INTAKE_LIMITS, type IntakeLimits, type ConnectionStats } from './limits';
