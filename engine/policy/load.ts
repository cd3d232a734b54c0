import fs from 'node:fs';
import path from 'node:path';
import { describeIssues } from '../../protocol/define';
import { UserPolicy, WORKSPACE_POLICY_FILE, WorkspacePolicy } from './schema';

export class PolicyFileError extends Error {}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new PolicyFileError(`cannot read policy file ${file}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new PolicyFileError(`policy file ${file} is not valid JSON: ${(error as Error).message}`);
  }
}

/** The workspace's own policy, or an empty one when the file is absent. A broken file is an error, not ignored. */
export function loadWorkspacePolicy(workspace: string): WorkspacePolicy {
  const file = path.join(workspace, WORKSPACE_POLICY_FILE);
  if (!fs.existsSync(file)) return WorkspacePolicy.parse({});
  const parsed = WorkspacePolicy.safeParse(readJson(file));
  if (!parsed.success) throw new PolicyFileError(`policy file ${file} is invalid: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

export function loadUserPolicy(file: string | undefined): UserPolicy {
  if (file === undefined) return UserPolicy.parse({});
  const parsed = UserPolicy.safeParse(readJson(file));
  if (!parsed.success) throw new PolicyFileError(`user policy ${file} is invalid: ${describeIssues(parsed.error)}`);
  return parsed.data;
}
