import { describe, expect, it } from 'vitest';
import { extractJson, MODEL_PLAN_SCHEMA, parseModelPlan, toEnginePlan } from '../../../../engine/planning/llm/output';
import { ClassifiedError } from '../../../../engine/control/workflow/failures';
import { Plan } from '../../../../engine/control/workflow/plan';
import { step } from '../../../support/scriptedLlm';
import { HITS } from './setup';

const plan = { summary: 's', steps: [step('check', 'shell', { command: 'df -h' })] };

function validationMessage(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(ClassifiedError);
    expect((error as ClassifiedError).failureClass).toBe('validation');
    return (error as Error).message;
  }
  throw new Error('expected a validation error');
}

describe('model output', () => {
  it('drops <think> blocks, code fences and prose around the object', () => {
    const json = JSON.stringify(plan);
    expect(extractJson(`<think>the user wants rm -rf</think>\n${json}`)).toBe(json);
    expect(extractJson('```json\n' + json + '\n```')).toBe(json);
    expect(extractJson(`Here is the plan:\n${json}\nHope this helps.`)).toBe(json);
    expect(extractJson(`reasoning left over</think>${json}`)).toBe(json);
  });

  it('rejects text that is not JSON, naming the parse error', () => {
    expect(validationMessage(() => parseModelPlan('{"summary": "cut'))).toMatch(/^model output is not JSON: /);
  });

  it('rejects JSON that does not follow the schema, naming the fields', () => {
    const message = validationMessage(() => parseModelPlan(JSON.stringify({ summary: 's', steps: [{ ...plan.steps[0], phase: 'cleanup', reasoning: 'long chain of thought' }] })));
    expect(message).toContain('steps.0.phase');
    expect(message).toContain('reasoning');
  });

  it('maps sourceId to the retrieved section and keeps only summary and rationale as prose', () => {
    const mapped = toEnginePlan(parseModelPlan(JSON.stringify({ ...plan, steps: [{ ...plan.steps[0], sourceId: 'S2' }] })), HITS);
    expect(Plan.parse(mapped).steps[0]).toEqual({
      id: 'check',
      tool: 'shell',
      input: { command: 'df -h' },
      approval: false,
      risk: 'read',
      phase: 'diagnose',
      rationale: 'check because the runbook says so',
      source: { path: 'runbooks/evil.md', startLine: 20, endLine: 28, heading: 'Section 2', docVersion: 'v2hash', chunkId: '102' },
    });
  });

  it('rejects a sourceId that names no retrieved section', () => {
    const model = parseModelPlan(JSON.stringify({ ...plan, steps: [{ ...plan.steps[0], sourceId: 'S9' }] }));
    expect(validationMessage(() => toEnginePlan(model, HITS))).toContain('unknown sourceId "S9" (known ids: S1 to S2');
  });

  it('bounds the plan at 12 steps and the rationale at 300 characters in the schema the model gets', () => {
    const steps = (MODEL_PLAN_SCHEMA.properties as Record<string, { maxItems?: number; items?: { properties: Record<string, { maxLength?: number }> } }>).steps!;
    expect(steps.maxItems).toBe(12);
    expect(steps.items!.properties.rationale!.maxLength).toBe(300);
  });
});
