// The CLI's flags: what each becomes in the batch spec, and the refusals that make `artlab run` exit 2.
import { describe, expect, it } from 'vitest';
import { parseRunFlags, UsageError } from '../../../main/cli/run-flags';

const noFile = (): string => {
  throw new Error('no such file');
};
const parse = (args: string[], env: NodeJS.ProcessEnv = {}, read: (file: string) => string = noFile) =>
  parseRunFlags(args, env, read);

describe('artlab run flags', () => {
  it('infers the edition from the URL and reads the token from the named variable only', () => {
    const queue = parse(
      ['starter', '--url', 'http://1.cn-sh.pai-eas.aliyuncs.com/api/predict/sd', '--token-env', 'T'],
      {
        T: 'tok',
      },
    );
    expect(queue).toMatchObject({ services: [{ edition: 'queue', token: 'tok' }], source: 'starter' });
    expect(parse(['wf.json', '--url', 'http://127.0.0.1:8188/']).services[0].edition).toBe('exclusive');
  });

  it('takes how prompt variations expand, and refuses a mode it does not know', () => {
    const url = ['starter', '--url', 'http://127.0.0.1:8188/'];
    expect(parse([...url, '--variations', 'random', '--wildcards', 'wc'])).toMatchObject({
      spec: { dynamicPrompts: 'random' },
      wildcardsDir: 'wc',
    });
    expect(() => parse([...url, '--variations', 'all'])).toThrow(UsageError);
  });

  it('turns prompts, seeds, count and --set into the batch spec', () => {
    const flags = parse(
      [
        'wf.json',
        '--url',
        'http://127.0.0.1:8188/',
        '--prompts',
        'p.txt',
        '--negative',
        'blurry',
        '--seeds',
        '1,2',
        '--count',
        '3',
        '--set',
        '3.steps=30',
        '--set',
        '3.sampler_name=euler',
        '--set',
        '9.flag=true',
      ],
      {},
      () => 'a cat\n\n a dog \n',
    );
    expect(flags.spec).toEqual({
      prompts: ['a cat', ' a dog '],
      negative: 'blurry',
      seeds: { mode: 'list', values: ['1', '2'] },
      countPerPrompt: 3,
      set: { '3.steps': 30, '3.sampler_name': 'euler', '9.flag': true },
    });
    expect(parse(['wf.json', '--url', 'http://127.0.0.1:8188/', '--seeds', '18446744073709551615']).spec.seeds).toEqual(
      {
        mode: 'increment',
        start: '18446744073709551615',
      },
    );
    expect(parse(['wf.json', '--url', 'http://127.0.0.1:8188/']).spec.seeds).toEqual({ mode: 'random' });
  });

  it('gives each --url the service flags that follow it, and the ones before the first --url to all', () => {
    const env = { SHARED: 'shared', QUEUE: 'queue-token', KEY: 'id', SECRET: 'secret' };
    const flags = parse(
      [
        'wf.json',
        '--token-env',
        'SHARED',
        '--url',
        'http://127.0.0.1:8188/',
        '--url',
        'http://1.cn-sh.pai-eas.aliyuncs.com/api/predict/sd',
        '--token-env',
        'QUEUE',
        '--oss',
        'oss://bucket/sd/',
        '--oss-region',
        'cn-shanghai',
        '--oss-key-id-env',
        'KEY',
        '--oss-secret-env',
        'SECRET',
        '--url',
        'http://127.0.0.2:8188/',
        '--edition',
        'exclusive',
        '--count',
        '4',
      ],
      env,
    );
    expect(flags.services).toEqual([
      { url: 'http://127.0.0.1:8188/', edition: 'exclusive', token: 'shared' },
      {
        url: 'http://1.cn-sh.pai-eas.aliyuncs.com/api/predict/sd',
        edition: 'queue',
        token: 'queue-token',
        oss: { location: 'oss://bucket/sd/', region: 'cn-shanghai', accessKeyId: 'id', accessKeySecret: 'secret' },
      },
      { url: 'http://127.0.0.2:8188/', edition: 'exclusive', token: 'shared' },
    ]);
    expect(flags.spec.countPerPrompt).toBe(4);
  });

  it.each([
    [['wf.json', '--url', 'http://127.0.0.1:8188/', '--edition', 'queue', '--edition', 'exclusive'], /given twice/],
    [['wf.json', ...Array.from({ length: 17 }, (_, n) => ['--url', `http://h${n}/`]).flat()], /at most 16/],
  ])('refuses a pool written wrong: %j', (args, message) => {
    expect(() => parse(args)).toThrow(message);
  });

  it.each([
    [['wf.json'], /--url/],
    [['--url', 'http://127.0.0.1:8188/'], /exactly one workflow/],
    [['wf.json', '--url', 'http://127.0.0.1:8188/', '--token', 'secret'], /--token/],
    [['wf.json', '--url', 'http://127.0.0.1:8188/', '--token-env', 'MISSING'], /MISSING/],
    [['wf.json', '--url', 'http://127.0.0.1:8188/', '--count', '0'], /--count/],
    [['wf.json', '--url', 'http://127.0.0.1:8188/', '--seeds', 'x'], /--seeds/],
    [['wf.json', '--url', 'http://127.0.0.1:8188/', '--set', 'steps=3'], /<node>\.<input>/],
    [['wf.json', '--url', 'http://127.0.0.1:8188/', '--oss', 'oss://b/p/'], /--oss-key-id-env/],
    [['wf.json', '--url', 'http://127.0.0.1:8188/', '--prompts', 'none.txt'], /no such file/],
  ])('refuses %j', (args, message) => {
    expect(() => parse(args)).toThrow(UsageError);
    expect(() => parse(args)).toThrow(message);
  });
});
