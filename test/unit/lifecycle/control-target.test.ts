// Which EAS service a saved service controls: read from the URLs the console gives, refused where a URL does not say.
import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../../main/errors';
import { controlEndpointFor, controlTargetFromUrl, resolveControlTarget } from '../../../main/lifecycle/control-target';

function refusal(url: string): { code?: string; params?: unknown } {
  try {
    controlTargetFromUrl(url);
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequestError);
    return error as BadRequestError;
  }
  throw new Error(`${url} was not refused`);
}

describe('controlTargetFromUrl', () => {
  it('reads the region and the service name of an API-edition URL', () => {
    expect(
      controlTargetFromUrl(
        'http://1234567890123456.cn-shanghai.pai-eas.aliyuncs.com/api/predict/ai4d_comfyuiapi_abc123',
      ),
    ).toEqual({ region: 'cn-shanghai', serviceName: 'ai4d_comfyuiapi_abc123' });
    expect(
      controlTargetFromUrl('https://1234567890123456.ap-southeast-1.pai-eas.aliyuncs.com/api/predict/ai4d_x/'),
    ).toEqual({ region: 'ap-southeast-1', serviceName: 'ai4d_x' });
  });

  it('reads the service name from the first label of an Exclusive-edition host', () => {
    expect(controlTargetFromUrl('https://ai4d_comfyui_xyz.1234567890123456.cn-hangzhou.pai-eas.aliyuncs.com/')).toEqual(
      {
        region: 'cn-hangzhou',
        serviceName: 'ai4d_comfyui_xyz',
      },
    );
  });

  it('reads a VPC address the same way (the region is the label before pai-eas)', () => {
    expect(
      controlTargetFromUrl('http://1234567890123456.vpc.cn-beijing.pai-eas.aliyuncs.com/api/predict/ai4d_v'),
    ).toEqual({ region: 'cn-beijing', serviceName: 'ai4d_v' });
  });

  it('refuses addresses that are not EAS: a local ComfyUI, an IP, another domain, nonsense', () => {
    for (const url of [
      'http://127.0.0.1:8188/',
      'http://localhost:8188/api/predict/x',
      'https://example.com/api/predict/x',
      'https://pai-eas.aliyuncs.com.evil.example/api/predict/x',
      'not a url',
    ]) {
      expect(refusal(url)).toMatchObject({ code: 'control-target-unknown', params: { url } });
    }
  });

  it('refuses an EAS host that does not say which service (no predict path, no service label)', () => {
    expect(refusal('http://1234567890123456.cn-shanghai.pai-eas.aliyuncs.com/')).toMatchObject({
      code: 'control-service-name-unknown',
    });
    expect(refusal('http://1234567890123456.cn-shanghai.pai-eas.aliyuncs.com/api/predict/')).toMatchObject({
      code: 'control-service-name-unknown',
    });
  });
});

describe('resolveControlTarget', () => {
  it('lets the record name the region and service when the URL cannot', () => {
    expect(resolveControlTarget('http://127.0.0.1:8188/', { region: 'cn-shanghai', serviceName: 'mine' })).toEqual({
      region: 'cn-shanghai',
      serviceName: 'mine',
    });
  });

  it('takes one override and the rest from the URL', () => {
    const url = 'http://1234567890123456.cn-shanghai.pai-eas.aliyuncs.com/api/predict/ai4d_a';
    expect(resolveControlTarget(url, { serviceName: 'ai4d_b' })).toEqual({
      region: 'cn-shanghai',
      serviceName: 'ai4d_b',
    });
  });

  it('names the control endpoint of a region', () => {
    expect(controlEndpointFor('cn-shanghai')).toBe('pai-eas.cn-shanghai.aliyuncs.com');
  });
});
