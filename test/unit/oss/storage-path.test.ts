import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../main/errors';
import { outputKey, parseStoragePath } from '../../../main/oss/storage-path';

describe('OSS storage path', () => {
  it('splits oss://bucket/prefix/ into the bucket and the prefix without slashes', () => {
    expect(parseStoragePath('oss://my-bucket/data-xyz/')).toEqual({ bucket: 'my-bucket', prefix: 'data-xyz' });
    expect(parseStoragePath(' oss://my-bucket/a/b ')).toEqual({ bucket: 'my-bucket', prefix: 'a/b' });
    expect(parseStoragePath('oss://my-bucket')).toEqual({ bucket: 'my-bucket', prefix: '' });
  });

  it('refuses what is not a storage path, with how to find one', () => {
    expect(() => parseStoragePath('https://my-bucket.oss-cn-shanghai.aliyuncs.com/x')).toThrow(/oss:\/\/my-bucket/);
    expect(() => parseStoragePath('oss://My_Bucket/x')).toThrow(ValidationError);
    expect(() => parseStoragePath('oss://my-bucket/a/../b')).toThrow(ValidationError);
  });

  it('puts an output file under <prefix>/output/, with the subfolder only when there is one', () => {
    const path = parseStoragePath('oss://my-bucket/data-xyz/');
    expect(outputKey(path, { filename: 'ComfyUI_00001_.png', subfolder: '' })).toBe(
      'data-xyz/output/ComfyUI_00001_.png',
    );
    expect(outputKey(path, { filename: 'a.png', subfolder: 'portraits/2024' })).toBe(
      'data-xyz/output/portraits/2024/a.png',
    );
    expect(outputKey(parseStoragePath('oss://my-bucket/'), { filename: 'a.png' })).toBe('output/a.png');
  });

  it('refuses hostile file names before they become keys', () => {
    const path = parseStoragePath('oss://my-bucket/data-xyz/');
    for (const file of [
      { filename: '..' },
      { filename: '../x.png' },
      { filename: 'x.png', subfolder: '..' },
      { filename: 'x\\y.png' },
      { filename: 'x\u0000.png' },
      { filename: 'x.png', subfolder: 'C:/Windows' },
    ]) {
      expect(() => outputKey(path, file)).toThrow(ValidationError);
    }
  });
});
