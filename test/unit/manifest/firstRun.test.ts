// The manifest's first-run contributions (issue #15): a walkthrough whose steps can really be ticked, and
// default keys that never take a single keystroke away from the editor.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

const ROOT = path.resolve(__dirname, '../../..');

const Manifest = z.object({
  contributes: z.object({
    commands: z.array(z.object({ command: z.string() })),
    keybindings: z.array(z.object({ command: z.string(), key: z.string(), mac: z.string(), when: z.string().optional() })),
    walkthroughs: z.array(z.object({ id: z.string(), steps: z.array(z.object({ id: z.string(), completionEvents: z.array(z.string()).min(1) })) })),
  }),
});
const manifest = Manifest.parse(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')));
const commands = new Set(manifest.contributes.commands.map((c) => c.command));

/** Every TypeScript file of the extension host, concatenated: where context keys are set. */
function extensionSource(dir = path.join(ROOT, 'extension')): string {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .map((e) => (e.isDirectory() ? extensionSource(path.join(dir, e.name)) : e.name.endsWith('.ts') ? fs.readFileSync(path.join(dir, e.name), 'utf8') : ''))
    .join('\n');
}

// The kinds VS Code's walkthrough service knows (gettingStartedService registerDoneListeners); anything else is
// logged as "Unknown completionEvent" and the step can then only be ticked by hand.
const KINDS = ['onCommand', 'onSettingChanged', 'onContext', 'onView', 'onLink', 'onEvent', 'extensionInstalled', 'onExtensionInstalled', 'onStepSelected', 'stepSelected'];

describe('the walkthrough', () => {
  const steps = manifest.contributes.walkthroughs.flatMap((w) => w.steps);
  const events = steps.flatMap((s) => s.completionEvents.map((e) => ({ step: s.id, event: e })));

  it('uses only completion events VS Code knows', () => {
    for (const { step, event } of events) expect(KINDS, `${step}: ${event}`).toContain(event.split(':')[0]);
  });

  it('completes each step on something the extension really does: a command it has, a context key it sets', () => {
    const source = extensionSource();
    for (const { step, event } of events) {
      const [kind, arg = ''] = [event.slice(0, event.indexOf(':')), event.slice(event.indexOf(':') + 1)];
      if (kind === 'onCommand') expect(commands.has(arg), `${step}: ${arg} is a contributed command`).toBe(true);
      if (kind === 'onContext') {
        expect(arg, `${step}: a plain key, so the step ticks when it turns true`).toMatch(/^runbookAgent\.[\w.]+$/);
        const short = arg.slice('runbookAgent.'.length);
        const set = source.includes(`'${arg}'`) || source.includes(`has('${short}'`);
        expect(set, `${step}: ${arg} is set by extension/`).toBe(true);
      }
    }
  });

  it('is opened on the first run by the extension itself, since VS Code opens it only after an install from its UI', () => {
    const source = fs.readFileSync(path.join(ROOT, 'extension', 'walkthrough.ts'), 'utf8');
    const id = /WALKTHROUGH = '([^']+)'/.exec(source)?.[1];
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { publisher: string; name: string };
    expect(id).toBe(`${pkg.publisher}.${pkg.name}#${manifest.contributes.walkthroughs[0]!.id}`);
  });
});

describe('the default keybindings', () => {
  const bindings = manifest.contributes.keybindings;

  it('cover Approve, Reject and Show Panel, for every platform', () => {
    expect(bindings.map((b) => b.command).sort()).toEqual(['runbookAgent.approvePending', 'runbookAgent.openPanel', 'runbookAgent.rejectPending']);
    for (const b of bindings) expect(commands.has(b.command)).toBe(true);
  });

  it('are chords after Ctrl+K (Cmd+K on a Mac), so no single keystroke is taken from the editor or a terminal', () => {
    for (const b of bindings) {
      expect(b.key).toMatch(/^ctrl\+k [a-z+]+$/);
      expect(b.mac).toBe(b.key.replace(/^ctrl\+k/, 'cmd+k'));
      // Shift with the second key: Ctrl+K followed by a plain letter is where VS Code keeps its own chords.
      expect(b.key.split(' ')[1]).toMatch(/^shift\+[a-z]$/);
    }
    expect(new Set(bindings.map((b) => b.key)).size).toBe(bindings.length);
  });

  it('approve or reject only while a step waits for approval', () => {
    for (const b of bindings.filter((b) => b.command !== 'runbookAgent.openPanel')) expect(b.when).toContain('runbookAgent.hasPendingApprovals');
  });
});
