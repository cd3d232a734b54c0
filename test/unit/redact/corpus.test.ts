// Realistic tool outputs: every listed secret must be gone, and every listed piece of ordinary text must be
// there word for word. A fixture's `.secrets` and `.keep` files name them, one per line.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { redactText } from '../../../engine/execution/redact';

const dir = path.join(__dirname, 'corpus');
const fixtures = fs.readdirSync(dir).filter((f) => !f.endsWith('.secrets') && !f.endsWith('.keep'));
const lines = (file: string): string[] => fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');

describe('redaction corpus', () => {
  it('has fixtures, each with its expectations', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(10);
    for (const f of fixtures) {
      const base = path.join(dir, f.replace(/\.[^.]+$/, ''));
      expect(fs.existsSync(`${base}.secrets`), `${f}.secrets`).toBe(true);
      expect(fs.existsSync(`${base}.keep`), `${f}.keep`).toBe(true);
    }
  });

  for (const f of fixtures) {
    const base = path.join(dir, f.replace(/\.[^.]+$/, ''));
    it(f, () => {
      const text = fs.readFileSync(path.join(dir, f), 'utf8');
      const out = redactText(text);
      const secrets = lines(`${base}.secrets`);
      for (const s of secrets) {
        expect(text, `fixture holds ${s}`).toContain(s);
        expect(out, `${s} survived`).not.toContain(s);
      }
      for (const k of lines(`${base}.keep`)) expect(out, `lost: ${k}`).toContain(k.trim());
      if (secrets.length === 0) expect(out).toBe(text);
    });
  }

  it('redacting twice changes nothing more', () => {
    for (const f of fixtures) {
      const once = redactText(fs.readFileSync(path.join(dir, f), 'utf8'));
      expect(redactText(once), f).toBe(once);
    }
  });
});
