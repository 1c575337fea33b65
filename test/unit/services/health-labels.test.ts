import { describe, expect, it } from 'vitest';
import { deviceLabel } from '../../../main/services/health-check';
import { insecureTokenWarning, isLoopbackHost } from '../../../main/services/service-url';

describe('health check wording', () => {
  it('names the graphics card the way a user knows it', () => {
    expect(deviceLabel('cuda:0 NVIDIA A10 : cudaMallocAsync')).toBe('NVIDIA A10');
    expect(deviceLabel('cuda:0 NVIDIA GeForce RTX 4090 : native')).toBe('NVIDIA GeForce RTX 4090');
    expect(deviceLabel('mps')).toBe('mps');
  });

  it('warns about plain http only for remote hosts', () => {
    expect(insecureTokenWarning('http://127.0.0.1:8188/')).toBeUndefined();
    expect(insecureTokenWarning('http://localhost:8188/')).toBeUndefined();
    expect(insecureTokenWarning('http://[::1]:8188/')).toBeUndefined();
    expect(insecureTokenWarning('https://x.cn-shanghai.pai-eas.aliyuncs.com/')).toBeUndefined();
    expect(insecureTokenWarning('http://1.cn-shanghai.pai-eas.aliyuncs.com/api/predict/s')).toEqual({
      warning: expect.stringContaining('1.cn-shanghai.pai-eas.aliyuncs.com') as unknown,
      suggestedUrl: 'https://1.cn-shanghai.pai-eas.aliyuncs.com/api/predict/s',
    });
  });

  it('knows loopback addresses', () => {
    expect(isLoopbackHost('127.10.0.1')).toBe(true);
    expect(isLoopbackHost('192.168.1.2')).toBe(false);
  });
});
