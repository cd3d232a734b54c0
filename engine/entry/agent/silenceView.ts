// The panel's word on an Alertmanager silence step (engine/execution/tools/alertmanager.ts): its output already names the
// silence and links it; once the workflow settled, what became of it (engine/entry/agent/silences.ts logs
// `silence_expired`) is added, so a person sees whether it still mutes anything.
import type { StepView } from '../../../protocol/agent';
import type { WorkflowEvent } from '../../../protocol/workflow';
import { TOOL } from '../../execution/tools/names';
import { SILENCE_EXPIRED_EVENT } from './silences';

/** `steps` with each silence step's output ending in what happened to its silence after the workflow settled. */
export function withSilenceExpiry<S extends Pick<StepView, 'id' | 'tool' | 'output'>>(steps: S[], events: readonly Pick<WorkflowEvent, 'type' | 'at' | 'data'>[]): S[] {
  const last = new Map<string, { at: string; outcome: string; detail: string }>();
  for (const e of events) {
    if (e.type !== SILENCE_EXPIRED_EVENT) continue;
    const d = (e.data ?? {}) as Record<string, unknown>;
    if (typeof d.stepId === 'string') last.set(d.stepId, { at: e.at, outcome: String(d.outcome ?? ''), detail: typeof d.detail === 'string' ? d.detail : '' });
  }
  return steps.map((s) => {
    const x = s.tool === TOOL.alertmanagerSilence ? last.get(s.id) : undefined;
    if (!x || s.output === null) return s;
    const line =
      x.outcome === 'expired'
        ? `Expired at ${x.at}, when the workflow settled.`
        : x.outcome === 'gone'
          ? `Nothing to expire when the workflow settled (${x.at}): ${x.detail}.`
          : `Could not be expired when the workflow settled (${x.at}): ${x.detail}. It ends on its own at its end time; expire it in Alertmanager to end it now.`;
    return { ...s, output: `${s.output}\n${line}` };
  });
}
