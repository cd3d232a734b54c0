import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../../shared/paths';

export const TEMPLATE_PARTS = ['system', 'context', 'task', 'replan', 'checklist'] as const;
export type TemplatePart = (typeof TEMPLATE_PARTS)[number];
export type Templates = Readonly<Record<TemplatePart, string>>;

const cache = new Map<string, Templates>();

/**
 * Prompts are versioned files, not code, so a trace's templateVersion names exactly the text the model saw.
 * They ship inside the extension (engine/planning/prompts) and are read at run time.
 */
export function loadTemplates(version: string, root = path.join(packageRoot(), 'engine/planning/prompts')): Templates {
  if (!/^v\d{1,4}$/.test(version)) throw new Error(`invalid prompt template version ${JSON.stringify(version)}`);
  const dir = path.join(root, version);
  const cached = cache.get(dir);
  if (cached) return cached;
  const loaded = Object.fromEntries(TEMPLATE_PARTS.map((p) => [p, fs.readFileSync(path.join(dir, `${p}.md`), 'utf8')])) as Templates;
  cache.set(dir, loaded);
  return loaded;
}

/** The model calls besides the plan, each with its own versioned templates under prompts/<family>/<version>. */
export const TEMPLATE_FAMILIES = {
  decide: ['system', 'context', 'task', 'checklist'],
  summary: ['system', 'context', 'task'],
} as const;
export type TemplateFamily = keyof typeof TEMPLATE_FAMILIES;
export type FamilyTemplates<F extends TemplateFamily> = Readonly<Record<(typeof TEMPLATE_FAMILIES)[F][number], string>>;

const familyCache = new Map<string, Readonly<Record<string, string>>>();

/**
 * Like loadTemplates, for one family: a trace names `decide/v1` or `summary/v1`, so each prompt can change
 * without changing what the others' versions mean.
 */
export function loadFamily<F extends TemplateFamily>(family: F, version: string, root = path.join(packageRoot(), 'engine/planning/prompts')): FamilyTemplates<F> {
  if (!/^v\d{1,4}$/.test(version)) throw new Error(`invalid prompt template version ${JSON.stringify(version)}`);
  const dir = path.join(root, family, version);
  const cached = familyCache.get(dir);
  if (cached) return cached as FamilyTemplates<F>;
  const loaded = Object.fromEntries(TEMPLATE_FAMILIES[family].map((p) => [p, fs.readFileSync(path.join(dir, `${p}.md`), 'utf8')]));
  familyCache.set(dir, loaded);
  return loaded as FamilyTemplates<F>;
}

/**
 * Replaces `{{name}}` with vars[name] in one pass, so text put in (a runbook, an alert) is never expanded
 * again. `{{answer:NAME}}` has a colon and is left alone: it is meant for the model. A name without a value
 * throws, which catches a template and its code drifting apart.
 */
export function render(template: string, vars: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{\{([A-Za-z_][A-Za-z0-9_]*)\}\}/g, (_, name: string) => {
    const value = vars[name];
    if (value === undefined) throw new Error(`prompt template uses {{${name}}} but no value was given`);
    return String(value);
  });
}
