import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../main/errors';
import { partitionOutputNames, safeOutputName, visibleName } from '../../../main/comfy/output-names';

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
    ['\u202Egnp.exe', ''],
    ['photo\u202Dx.png', ''],
    ['report\u2066fdp.exe\u2069.png', ''],
    ['a\u200Bb.png', ''],
    ['a\u200Db.png', ''],
    ['a\u2060.png', ''],
    ['\uFEFFa.png', ''],
    ['in\u00ADvoice.png', ''],
    ['a\u0085.png', ''],
    ['a\u2028.png', ''],
    ['\u3164.png', ''],
    ['a\u{E0041}.png', ''],
    ['a\uD800.png', ''],
    ['a.png', '\u202Eredro'],
    ['a.png', 'day/\u200B'],
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

  it('names a direction override in its message as an escape, never as the raw character', () => {
    expect(() => safeOutputName('\u202Egnp.exe')).toThrow(
      'Refused the output file name "\\u202egnp.exe" sent by the service: it contains an invisible or direction-changing character (U+202E)',
    );
  });

  it('refuses any name with a control, format or separator character anywhere in it', () => {
    const hidden = fc.constantFrom(
      ...'\u0007\u0085\u00AD\u061C\u200B\u200C\u200D\u200E\u200F\u202A\u202B\u202C\u202D\u202E\u2028\u2029\u2060\u2066\u2067\u2068\u2069\uFEFF\u3164'.split(
        '',
      ),
    );
    const plain = fc.stringMatching(/^[a-z0-9_]{0,12}$/);
    fc.assert(
      fc.property(plain, hidden, plain, fc.boolean(), (before, character, after, inSubfolder) => {
        const name = `${before}${character}${after}.png`;
        if (inSubfolder) expect(() => safeOutputName('a.png', name)).toThrow(ValidationError);
        else expect(() => safeOutputName(name)).toThrow(ValidationError);
      }),
    );
  });
});

describe('visibleName', () => {
  it('shows every hidden character as an escape and leaves the rest alone', () => {
    expect(visibleName('\u202Egnp.exe')).toBe('\\u202egnp.exe');
    expect(visibleName('a\u200Bb\u{E0041}c')).toBe('a\\u200bb\\u{e0041}c');
    expect(visibleName('风景_00001_.png')).toBe('风景_00001_.png');
  });
});

describe('partitionOutputNames', () => {
  it('keeps the safe files and says why each other one was refused', () => {
    const files = [
      { filename: 'ok.png', subfolder: '' },
      { filename: '\u202Egnp.exe', subfolder: '' },
      { filename: 'x.png', subfolder: '..' },
    ];
    const { safe, refused } = partitionOutputNames(files);
    expect(safe).toEqual([files[0]]);
    expect(refused).toHaveLength(2);
    expect(refused[0]).toContain('U+202E');
  });
});
