// Issue #15: an answer that fills a numeric placeholder is checked as a number before it is sent, by the
// panel and by the Answer Question box, with the very check the engine refuses it by.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { answerProblem, NUMBER_ANSWER } from '../../../protocol/answers';

const ROOT = path.resolve(__dirname, '../../..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

describe('a number answer', () => {
  it('is digits, an optional minus sign and decimals; anything bash could run, or a word, is refused before sending', () => {
    for (const ok of ['7', ' 30 ', '-1', '0.5', '10\n']) expect(answerProblem(ok, 'number'), JSON.stringify(ok)).toBeUndefined();
    for (const bad of ['seven', '1e3', '0x10', '7;', '$(id)', '1 2', '.5', '5.', '+3', '']) expect(answerProblem(bad, 'number'), JSON.stringify(bad)).toBeDefined();
    expect(answerProblem('seven', 'number')).toMatch(/must be a number/);
    expect(answerProblem('seven', undefined)).toBeUndefined();
    expect(answerProblem('   ', undefined)).toMatch(/Type an answer/);
    expect(answerProblem('x'.repeat(2001), undefined)).toMatch(/at most 2000/);
  });

  it('is checked with one shared pattern by the engine, the panel and the Answer Question box', () => {
    // A copy of the pattern in one of them could drift and let the panel send what the engine refuses.
    const inline = /\/\^-\?\[0-9\]\+/;
    for (const file of ['engine/control/workflow/core/person.ts', 'webview/views/waiting.ts', 'extension/commands/answerQuestion.ts']) {
      expect(read(file), file).not.toMatch(inline);
      expect(read(file), file).toMatch(/protocol\/answers'/);
    }
    expect(read('engine/control/workflow/core/person.ts')).toMatch(/NUMBER_ANSWER\.test\(d\.value\)/);
    expect(read('extension/commands/answerQuestion.ts')).toMatch(/validateInput: \(v\) => answerProblem\(v,/);
    expect(read('webview/views/waiting.ts')).toMatch(/answerProblem\(draft\.value, w\.expects\)/);
    expect(NUMBER_ANSWER.test('42')).toBe(true);
  });
});
