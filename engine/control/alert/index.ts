// Alert intake formats -> the canonical AlertRequest (engine/control/workflow/request.ts). Rules in README.md.
export { normalizeAlerts, normalizeAlertText } from './normalize';
export { InvalidAlert } from './errors';
export { AlertmanagerWebhook, AlertmanagerAlert } from './alertmanager';
export { PlainAlert } from './plain';
export { severityOf, labelsFingerprint, idempotencyKey } from './fields';
export { MAX_LABELS, MAX_ANNOTATIONS, MAX_ALERTS, MAX_INPUT_CHARS } from './limits';
