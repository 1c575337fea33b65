import { describe, expect, it } from 'vitest';
import { mountKey, OutputNaming, OutputPathError } from './exclusive/output-naming';
import { ObjectStore } from './oss/object-store';

describe('ComfyUI output file naming', () => {
  it('counts up per prefix and subfolder, with five digits and a trailing underscore', () => {
    const naming = new OutputNaming(new ObjectStore(), 'data-xyz');
    expect(naming.next('ComfyUI', 'png', 'output')).toEqual({ filename: 'ComfyUI_00001_.png', subfolder: '' });
    expect(naming.next('ComfyUI', 'png', 'output')).toEqual({ filename: 'ComfyUI_00002_.png', subfolder: '' });
    expect(naming.next('portraits/cat', 'png', 'output')).toEqual({
      filename: 'cat_00001_.png',
      subfolder: 'portraits',
    });
  });

  it('continues after the highest counter already in the bucket, so a restart overwrites nothing', () => {
    const store = new ObjectStore();
    store.put('data-xyz/output/ComfyUI_00007_.png', Buffer.from('old'));
    store.put('data-xyz/output/ComfyUI_00003_.png', Buffer.from('old'));
    store.put('data-xyz/output/Other_00042_.png', Buffer.from('old'));
    expect(new OutputNaming(store, 'data-xyz/').next('ComfyUI', 'png', 'output').filename).toBe('ComfyUI_00008_.png');
  });

  it('refuses a prefix that leaves the output folder', () => {
    const naming = new OutputNaming(new ObjectStore(), 'data-xyz');
    expect(() => naming.next('../escape', 'png', 'output')).toThrow(OutputPathError);
    expect(() => naming.next('/abs/name', 'png', 'output')).toThrow(OutputPathError);
  });

  it('maps a file to its key in the mount without empty segments', () => {
    expect(mountKey('data-xyz/', 'output', '', 'a.png')).toBe('data-xyz/output/a.png');
    expect(mountKey('', 'output', 'sub/', 'a.png')).toBe('output/sub/a.png');
  });
});
