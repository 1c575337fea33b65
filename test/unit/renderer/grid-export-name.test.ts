// The saved grid's file name comes from the batch label, which the artist typed (or a wildcard expanded): nothing in it
// may name a folder, hide its real extension behind a bidi override, or upset Windows.
import { describe, expect, it } from 'vitest';
import { safeName } from '../../../renderer/pages/queue/grid-file-name';

describe('the grid file name', () => {
  it('keeps an ordinary label, Chinese included', () => {
    expect(safeName('Lighthouse sweep')).toBe('Lighthouse sweep');
    expect(safeName('港口夜景')).toBe('港口夜景');
  });

  it('drops separators, reserved characters, controls and bidi overrides', () => {
    expect(safeName('../../etc/passwd')).toBe('.. .. etc passwd');
    expect(safeName('a<b>:c"d|e?f*g\\h')).toBe('a b c d e f g h');
    expect(safeName('photo\u202Egnp.exe')).toBe('photo gnp.exe');
    expect(safeName('line\nbreak\ttab')).toBe('line break tab');
  });

  it('is never empty and never too long', () => {
    expect(safeName('///')).toBe('batch');
    expect(safeName('x'.repeat(300))).toHaveLength(80);
  });
});
