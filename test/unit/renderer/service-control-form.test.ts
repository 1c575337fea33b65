// The Services page's EAS control settings as the form sends them, and how it reads EAS's state words: the
// contract's control input (secrets write-only: none sent unless typed; null removes the settings).
import { describe, expect, it } from 'vitest';
import type { ServiceDto } from '../../../preload/schemas/services';
import { gpuPhase, nextReadDelay, worthReadingAgain } from '../../../renderer/pages/services/gpu-state';
import {
  emptyForm,
  formFromService,
  toServiceInput,
  toServicePatch,
} from '../../../renderer/pages/services/service-form';

const stored: ServiceDto = {
  id: 'svc-1',
  edition: 'exclusive',
  name: 'studio box',
  url: 'https://box.cn-shanghai.pai-eas.aliyuncs.com/api/predict/studio_box',
  hasToken: true,
  tokenHint: '••••ab12',
  needsOss: false,
  createdAt: 1,
  updatedAt: 1,
  control: {
    credentials: 'own',
    accessKeyId: 'LTAI-control',
    hasSecret: true,
    secretHint: '••••9f3c',
    hasSecurityToken: false,
    target: { region: 'cn-shanghai', serviceName: 'studio_box' },
    configured: true,
  },
};

describe('service form: EAS control', () => {
  it('sends no control settings when the section is left off', () => {
    const form = { ...emptyForm(), name: 'a', url: 'http://127.0.0.1:8188' };
    expect(toServiceInput(form).control).toBeUndefined();
  });

  it('sends its own AccessKey and empty overrides (read from the URL) when added', () => {
    const form = {
      ...emptyForm(),
      name: 'a',
      url: 'http://127.0.0.1:8188',
      control: true,
      controlAccessKeyId: ' LTAI-x ',
      controlSecret: 'secret-x',
    };
    expect(toServiceInput(form).control).toEqual({
      credentials: 'own',
      accessKeyId: 'LTAI-x',
      accessKeySecret: 'secret-x',
      region: '',
      serviceName: '',
    });
  });

  it('keeps the stored secret on edit: shows its hint and sends no secret', () => {
    const form = formFromService(stored);
    expect(form).toMatchObject({
      control: true,
      storedControlSecretHint: '••••9f3c',
      controlTarget: stored.control?.target,
    });
    const patch = toServicePatch(stored.id, form, stored);
    expect(patch.control).toEqual({ credentials: 'own', accessKeyId: 'LTAI-control', region: '', serviceName: '' });
  });

  it('sends no key of its own for "Use the OSS AccessKey"', () => {
    const form = { ...formFromService(stored), controlCredentials: 'oss' as const, controlSecret: 'typed' };
    expect(toServicePatch(stored.id, form, stored).control).toEqual({
      credentials: 'oss',
      region: '',
      serviceName: '',
    });
  });

  it('removes the settings (null) when the section is switched off', () => {
    const form = { ...formFromService(stored), control: false };
    expect(toServicePatch(stored.id, form, stored).control).toBeNull();
  });
});

describe('GPU state on the card', () => {
  it('words EAS statuses as the few states an artist follows', () => {
    expect(['Running', 'Waiting', 'Creating', 'Scaling', 'Stopping', 'Stopped', 'Failed', 'Odd'].map(gpuPhase)).toEqual(
      ['running', 'starting', 'starting', 'scaling', 'stopping', 'stopped', 'failed', 'other'],
    );
  });

  it('reads every 3 s while on its way, backing off to 30 s after failures', () => {
    expect([0, 1, 2, 3, 4, 10].map(nextReadDelay)).toEqual([3_000, 6_000, 12_000, 24_000, 30_000, 30_000]);
  });
});

describe('reading the GPU again after a failure', () => {
  it('stops after a refusal only an edit can change, and goes on after a network failure', () => {
    expect(worthReadingAgain({ code: 'eas-control-secret-mismatch' })).toBe(false);
    expect(worthReadingAgain({ code: 'eas-control-denied' })).toBe(false);
    expect(worthReadingAgain({ code: 'eas-control-unreachable' })).toBe(true);
    expect(worthReadingAgain(new Error('socket closed'))).toBe(true);
  });
});
