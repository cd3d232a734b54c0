import fs from 'node:fs';
import path from 'node:path';
import { describeIssues } from '../../../protocol/define';
import { readWorkspaceText, WorkspaceFileError } from '../../memory/fsafe/readWorkspaceFile';
import { UserPolicy, WORKSPACE_POLICY_FILE, WorkspacePolicy } from './schema';

export class PolicyFileError extends Error {}

/** A policy file is a few rules: 256 KiB holds thousands, and bounds what a repository can make the engine read. */
export const MAX_POLICY_BYTES = 256 * 1024;

/** The user's own file (a CLI flag): not the repository's, read as it is. */
function readJson(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new PolicyFileError(`cannot read policy file ${file}: ${(error as Error).message}`);
  }
  return parseJson(file, text);
}

function parseJson(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new PolicyFileError(`policy file ${file} is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * The workspace's own policy, or an empty one when the file is absent. A broken file is an error, not ignored,
 * and so is one that is not safe to read (a FIFO, a device, a link out of the workspace, over 256 KiB: see
 * engine/memory/fsafe): the gate then denies every call (engine/entry/agent/policy.ts), the stricter policy.
 */
export function loadWorkspacePolicy(workspace: string): WorkspacePolicy {
  const file = path.join(workspace, WORKSPACE_POLICY_FILE);
  let text: string;
  try {
    text = readWorkspaceText(workspace, WORKSPACE_POLICY_FILE, { maxBytes: MAX_POLICY_BYTES, label: `policy file ${file}` });
  } catch (error) {
    if (error instanceof WorkspaceFileError && error.problem === 'missing') return WorkspacePolicy.parse({});
    throw new PolicyFileError(error instanceof WorkspaceFileError ? error.message : `cannot read policy file ${file}: ${(error as Error).message}`);
  }
  const parsed = WorkspacePolicy.safeParse(parseJson(file, text));
  if (!parsed.success) throw new PolicyFileError(`policy file ${file} is invalid: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

export function loadUserPolicy(file: string | undefined): UserPolicy {
  if (file === undefined) return UserPolicy.parse({});
  const parsed = UserPolicy.safeParse(readJson(file));
  if (!parsed.success) throw new PolicyFileError(`user policy ${file} is invalid: ${describeIssues(parsed.error)}`);
  return parsed.data;
}
