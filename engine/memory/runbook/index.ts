// Runbook understanding (issue 5, capability 1): Markdown runbooks -> sections and candidate tool calls.
// Rules are documented in README.md beside this file.
export { parseRunbook, stepId, type ParseOptions } from './parse';
export { parseInfoString, type FenceInfo } from './attributes';
export { findPlaceholders, WELL_KNOWN_VARIABLES } from './placeholders';
export { splitShellCommands } from './shell';
export { splitConsole } from './console';
export { SHELL_LANGUAGES, PROMQL_LANGUAGES } from './steps';
export * from './schema';
