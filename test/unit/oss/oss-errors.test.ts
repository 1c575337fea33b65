import { describe, expect, it } from 'vitest';
import { AuthError, NetworkError, NotFoundError, ServiceError, TimeoutError } from '../../../main/errors';
import { mapOssError } from '../../../main/oss/oss-errors';

const context = { bucket: 'artlab-out', accessKeyId: 'LTAI5tABCDWXYZ', what: 'the image "a/output/x.png"' };

function sdkError(fields: { code?: string; name?: string; status?: number; message?: string }): Error {
  return Object.assign(new Error(fields.message ?? 'sdk error'), fields);
}

describe('OSS errors', () => {
  it.each(['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'InvalidSecurityToken'])(
    'maps %s to an AuthError naming the masked key, never OSS’s own text',
    (code) => {
      const error = mapOssError(
        sdkError({ code, status: 403, message: 'StringToSign GET\\n\\nsecret-material' }),
        context,
      );
      expect(error).toBeInstanceOf(AuthError);
      expect(error.message).toContain('the OSS AccessKey ••••WXYZ was refused');
      expect(error.message).not.toContain('secret-material');
      expect(error.message).not.toContain('LTAI5tABCDWXYZ');
    },
  );

  it('maps a 403 without a code (a HEAD reply) to an AuthError', () => {
    expect(mapOssError(sdkError({ status: 403, name: 'UnknownError' }), context)).toBeInstanceOf(AuthError);
  });

  it('maps NoSuchKey to NotFoundError naming the object', () => {
    const error = mapOssError(sdkError({ code: 'NoSuchKey', status: 404 }), context);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toContain('the image "a/output/x.png" is not in the bucket "artlab-out"');
  });

  it('maps transport failures to NetworkError and TimeoutError', () => {
    expect(mapOssError(sdkError({ name: 'RequestError', status: -1 }), context)).toBeInstanceOf(NetworkError);
    expect(mapOssError(sdkError({ name: 'ConnectionTimeoutError', status: -2 }), context)).toBeInstanceOf(TimeoutError);
    expect(mapOssError(new Error('socket hang up'), context)).toBeInstanceOf(NetworkError);
  });

  it('maps a 5xx to a retryable ServiceError', () => {
    const error = mapOssError(sdkError({ code: 'InternalError', status: 500 }), context);
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).retryable).toBe(true);
  });
});
