import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';

const ID = 'runbook-agent.runbook-agent';

/**
 * `key` and `command` of every live entry in VS Code's own Default Keyboard Shortcuts (JSON), of this platform.
 * Entries whose `when` is "false" are switched off (the Markdown editor lists `ctrl+k` that way).
 */
async function defaultBindings(): Promise<Array<{ key: string; command: string }>> {
  await vscode.commands.executeCommand('workbench.action.openDefaultKeybindingsFile');
  const end = Date.now() + 20_000;
  let text = '';
  while (Date.now() < end) {
    text = vscode.window.activeTextEditor?.document.getText() ?? '';
    if (text.includes('"command"')) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  const results = process.env.RUNBOOK_AGENT_EXTHOST_RESULTS;
  // Kept beside the results, for whoever has to choose another key.
  if (results) fs.writeFileSync(path.join(path.dirname(results), 'default-keybindings.json'), text);
  return [...text.matchAll(/"key":\s*"([^"]+)",\s*"command":\s*"([^"]+)"(?:,\s*"when":\s*"((?:[^"\\]|\\.)*)")?/g)]
    .filter((m) => m[3] !== 'false')
    .map((m) => ({ key: m[1]!, command: m[2]! }));
}

describe('Runbook Agent keybindings', () => {
  it("take no key VS Code itself binds (Approve, Reject, Show Panel)", async () => {
    const ours = (vscode.extensions.getExtension(ID)!.packageJSON as { contributes: { keybindings: Array<{ key: string; command: string }> } }).contributes.keybindings;
    const all = await defaultBindings();
    assert.ok(all.length > 300, `read ${all.length} default keybindings`);
    // Our own entries are in the list too: they must be there (the manifest was read), and alone on their keys.
    for (const b of ours) {
      assert.ok(all.some((d) => d.key === b.key && d.command === b.command), `${b.command} is bound to ${b.key}`);
      const others = all.filter((d) => d.key === b.key && d.command !== b.command && !d.command.startsWith('-'));
      assert.deepEqual(others, [], `${b.key} is also bound to ${others.map((o) => o.command).join(', ')}`);
      // A chord's first key must not be a key of its own, or pressing it would run that and never start the chord.
      const first = b.key.split(' ')[0]!;
      assert.deepEqual(all.filter((d) => d.key === first).map((d) => d.command), [], `${first} alone runs something`);
    }
  });
});
