import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../main/errors';
import { safeOutputName } from '../../../main/comfy/output-names';

describe('safeOutputName', () => {
  it('returns the relative path of an ordinary output', () => {
    expect(safeOutputName('ComfyUI_00001_.png')).toBe('ComfyUI_00001_.png');
    expect(safeOutputName('ComfyUI_00001_.png', '')).toBe('ComfyUI_00001_.png');
    expect(safeOutputName('风景_00001_.png', '2026-11/夜景')).toBe('2026-11/夜景/风景_00001_.png');
  });

  it.each([
    ['..', ''],
    ['.', ''],
    ['', ''],
    ['../secret.png', ''],
    ['a/b.png', ''],
    ['a\\b.png', ''],
    ['a\u0000.png', ''],
    ['a\n.png', ''],
    ['a\u007f.png', ''],
    ['C:evil.png', ''],
    ['x.png:stream', ''],
    ['CON', ''],
    ['nul.png', ''],
    ['trailing.png.', ''],
    ['x'.repeat(256), ''],
    ['a.png', '..'],
    ['a.png', '../..'],
    ['a.png', 'day/../../etc'],
    ['a.png', '/etc'],
    ['a.png', 'C:/Windows'],
    ['a.png', 'C:\\Windows'],
    ['a.png', 'sub\\..\\x'],
    ['a.png', 'a//b'],
    ['a.png', 'a/'],
    ['a.png', 'a\u0000b'],
  ])('refuses filename %j in subfolder %j', (filename, subfolder) => {
    expect(() => safeOutputName(filename, subfolder)).toThrow(ValidationError);
  });

  it('says what is wrong, without echoing control characters raw', () => {
    expect(() => safeOutputName('a.png', '../x')).toThrow(
      'Refused the output subfolder "../x" sent by the service: it contains ".."',
    );
    try {
      safeOutputName('bad\u0007.png');
    } catch (error) {
      expect((error as Error).message).toContain('"bad\\u0007.png"');
      expect((error as Error).message).not.toContain('\u0007');
    }
  });

  it('never yields a path that climbs out or is absolute', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (filename, subfolder) => {
        let path: string;
        try {
          path = safeOutputName(filename, subfolder);
        } catch (error) {
          expect(error).toBeInstanceOf(ValidationError);
          return;
        }
        expect(path.split('/')).not.toContain('..');
        expect(path.startsWith('/')).toBe(false);
        expect(path.includes('\\') || path.includes('\u0000')).toBe(false);
      }),
    );
  });
});
