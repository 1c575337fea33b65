// Properties of the paste parser over generated input: it never throws, it finds a token and URL under any label
// and order, and what crosses the contract never carries the token.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCallInfo } from '../../../main/services/call-info-parser';

const token = fc.stringMatching(/^[A-Za-z0-9+/]{24,64}={0,2}$/);
const service = fc.stringMatching(/^[a-z][a-z0-9_]{2,30}$/);
const host = fc.stringMatching(/^[0-9]{10,16}\.cn-(shanghai|hangzhou|beijing)\.pai-eas\.aliyuncs\.com$/);
const urlLabel = fc.constantFrom('URL', 'url', '请求URL', '請求URL', '公网调用地址', 'Request URL');
const tokenLabel = fc.constantFrom('Token', 'token', 'TOKEN', '令牌');
const separator = fc.constantFrom(': ', '：', ' ', '\t', ' : ', '\n', '\n\n  ');

describe('paste parser properties', () => {
  it('never throws, whatever is pasted', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 400 }), (text) => {
        expect(() => parseCallInfo(text)).not.toThrow();
      }),
    );
  });

  it('finds the URL and the token under any label, separator and order', () => {
    fc.assert(
      fc.property(
        token,
        service,
        host,
        urlLabel,
        tokenLabel,
        separator,
        fc.boolean(),
        (tok, svc, h, ul, tl, sep, tokenFirst) => {
          const url = `http://${h}/api/predict/${svc}`;
          const lines = [`${ul}${sep}${url}`, `${tl}${sep}${tok}`];
          if (tokenFirst) lines.reverse();
          const draft = parseCallInfo(lines.join('\n'));
          expect(draft).toMatchObject({ edition: 'queue', url, serviceName: svc, token: tok, sink: `${svc}/sink` });
        },
      ),
    );
  });

  it('keeps the token in the token field only, never in a note or another field', () => {
    fc.assert(
      fc.property(
        token,
        fc.string({ maxLength: 60 }).filter((s) => !/token|令牌|access|author/i.test(s)),
        (tok, noise) => {
          const { token: found, ...rest } = parseCallInfo(`${noise}\nToken: ${tok}\n${noise} ${tok}`);
          expect(found).toBe(tok);
          expect(JSON.stringify(rest)).not.toContain(tok);
        },
      ),
    );
  });
});
