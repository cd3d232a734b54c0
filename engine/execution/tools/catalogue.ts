import path from 'node:path';
import { z } from 'zod';
import type { AnyTool } from '../../control/workflow/tool';
import { alertmanagerSilenceTool } from './alertmanager';
import { askPersonTool } from './askPerson';
import { checklistTool } from './checklist';
import { builtinTools } from './builtin';
import { httpTool } from './http';
import { promqlTool } from './promql';
import { readFileTool } from './readFile';
import { shellTool } from './shell';

export const ToolOptions = z
  .object({
    /** The workspace folder: shell steps run in it, read_file reads only inside it. */
    workspace: z.string().refine((p) => path.isAbsolute(p), 'must be an absolute path'),
    /** Base URL of the Prometheus HTTP API; without it there is no promql_query tool. */
    prometheusUrl: z.url({ protocol: /^https?$/, error: 'must be an http or https URL' }).optional(),
    /** Base URL of Alertmanager (API v2); without it there is no alertmanager_silence tool (user settings or CLI only). */
    alertmanagerUrl: z.url({ protocol: /^https?$/, error: 'must be an http or https URL' }).optional(),
    /** `host` or `host:port` that http_request may reach (runbookAgent.tools.allowedHosts). */
    allowedHosts: z.array(z.string().min(1)).default([]),
    /** Per stream or body: what a tool keeps of its output. */
    outputCapBytes: z.number().int().positive().default(65_536),
    /** Extra environment variables shell steps see; names that look secret are never passed. */
    passEnv: z.array(z.string().min(1)).default([]),
    /** kubectl's --context for the k8s tool (user settings only; default: the kubeconfig's current context). */
    kubeContext: z.string().min(1).max(253).regex(/^[^\s\0-\x1f]+$/, 'must be a context name without spaces or control characters').optional(),
    /** kubectl's --kubeconfig for the k8s tool (user settings only; default: kubectl's own lookup). */
    kubeconfig: z
      .string()
      .max(4096)
      .refine((p) => path.isAbsolute(p), 'must be an absolute path')
      .refine((p) => !/[\0-\x1f]/.test(p), 'must not hold control characters')
      .optional(),
  })
  .strict();
export type ToolOptions = z.output<typeof ToolOptions>;

export function createTools(options: z.input<typeof ToolOptions>): AnyTool[] {
  const parsed = ToolOptions.safeParse(options);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`).join('; ');
    throw new Error(`invalid tool options: ${problems}`);
  }
  const o = parsed.data;
  const tools: AnyTool[] = [shellTool(o), httpTool(o), readFileTool(o), askPersonTool(), checklistTool()];
  if (o.prometheusUrl !== undefined) tools.push(promqlTool({ prometheusUrl: o.prometheusUrl }));
  if (o.alertmanagerUrl !== undefined) tools.push(alertmanagerSilenceTool({ alertmanagerUrl: o.alertmanagerUrl }));
  // Built-in diagnostics (engine/execution/tools/builtin), each only where it can work.
  tools.push(...builtinTools(o));
  return tools;
}
