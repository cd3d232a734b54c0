import type { Connection } from 'vscode-languageserver/node';
import { lintRunbook } from '../../../protocol/lint';
import { lintWorkspaceFile } from '../agent/lintView';
import { handleRequest } from './rpc';
import type { EngineServices } from './services';

/** The runbook quality report of one file, for the Problems panel. Reads the file only: no database, no tool. */
export function registerLintHandlers(connection: Connection, services: () => EngineServices): void {
  handleRequest(connection, lintRunbook, ({ workspace, path: rel }) => lintWorkspaceFile(services().folder(workspace), rel));
}
