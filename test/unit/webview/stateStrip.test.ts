import { describe, expect, it } from 'vitest';
import { WorkflowState } from '../../../protocol/workflow';
import { stateLabel, stripOf } from '../../../webview/stateStrip';

const design = WorkflowState.options;

describe('stripOf', () => {
  it('highlights exactly the current state and tells the ends apart', () => {
    const strip = stripOf(design, 'ESCALATED');
    expect(strip.map((s) => s.state)).toEqual(design);
    expect(strip.filter((s) => s.current).map((s) => s.state)).toEqual(['ESCALATED']);
    const tone = Object.fromEntries(strip.map((s) => [s.state, s.tone]));
    expect(tone).toMatchObject({ COMPLETED: 'success', ESCALATED: 'attention', FAILED: 'failure', EXECUTING: 'neutral' });
  });

  it('shows a repeated state once and still shows a current state the list lacks', () => {
    const strip = stripOf(['RECEIVED', 'PLANNED', 'EXECUTING', 'PLANNED'], 'COMPLETED');
    expect(strip.map((s) => [s.state, s.current])).toEqual([
      ['RECEIVED', false],
      ['PLANNED', false],
      ['EXECUTING', false],
      ['COMPLETED', true],
    ]);
  });
});

describe('stateLabel', () => {
  it('reads like words', () => {
    expect(stateLabel('WAITING_FOR_PERSON')).toBe('Waiting for you');
    expect(stateLabel('CANCELLED')).toBe('Cancelled');
    expect(stateLabel('COMPLETED')).toBe('Completed');
  });
});
