// Dynamic prompts: `{a|b}` alternatives and `__name__` wildcards from the wildcards folder, every combination or one
// drawn per job, with the hostile cases (a loop, a name that leaves the folder, a link out of it, a huge or binary
// file, a combination count past the batch limit) refused with a sentence that says what to do.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expandBatch, inspectBatch, MAX_BATCH_JOBS, planJobs } from '../../../main/batches/batch-expansion';
import { planPrompts } from '../../../main/batches/dynamic-prompts';
import { seededRandomSource } from '../../../main/batches/seed-source';
import { folderWildcards, listWildcards, MAX_WILDCARD_FILE_BYTES } from '../../../main/batches/wildcard-folder';
import { starterWorkflow } from '../../../main/comfy/starter';
import { ValidationError } from '../../../main/errors';

let dir: string;
let folder: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'artlab-wildcards-'));
  folder = join(dir, 'wildcards');
  mkdirSync(join(folder, 'people'), { recursive: true });
  writeFileSync(join(folder, 'colors.txt'), '\uFEFF# warm first\nred\n\n  orange  \n# cool\nblue\n');
  writeFileSync(join(folder, 'people', 'artists.txt'), 'Monet\n{Turner|Constable}\n');
  writeFileSync(join(folder, 'loop.txt'), 'again __loop__\n');
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const expand = (lines: string[], mode: 'combinatorial' | 'random' | 'off' = 'combinatorial') =>
  planPrompts(lines, mode, folderWildcards(folder), MAX_BATCH_JOBS).prompts;

const prompts = (spec: Parameters<typeof expandBatch>[1], seed = 1) =>
  expandBatch(starterWorkflow(), spec, { wildcards: folderWildcards(folder), random: seededRandomSource(seed) }).map(
    (job) => job.prompt,
  );

describe('every combination', () => {
  it('expands alternatives in order, nested ones included, and tidies empty options', () => {
    expect(expand(['a {red|green} {car|bus}'])).toEqual(['a red car', 'a red bus', 'a green car', 'a green bus']);
    expect(expand(['{a|{b|c}} d'])).toEqual(['a d', 'b d', 'c d']);
    expect(expand(['a {|shiny} car, {|night}'])).toEqual([
      'a car,',
      'a car, night',
      'a shiny car,',
      'a shiny car, night',
    ]);
  });

  it('keeps escaped braces, bars and underscores, and plain lines untouched', () => {
    expect(expand(['\\{not a group\\} a \\| b \\_\\_colors\\_\\_', 'plain  line'])).toEqual([
      '{not a group} a | b __colors__',
      'plain  line',
    ]);
  });

  it('reads wildcards from the folder: comments and blank lines skipped, subfolders and nesting followed', () => {
    expect(expand(['a __colors__ hat'])).toEqual(['a red hat', 'a orange hat', 'a blue hat']);
    expect(expand(['by __people/artists__'])).toEqual(['by Monet', 'by Turner', 'by Constable']);
  });

  it('makes one job per combination, each storing the text it sends', () => {
    const jobs = expandBatch(starterWorkflow(), { prompts: 'a {red|blue} fox\na cat' }, {});
    expect(jobs.map((job) => job.prompt)).toEqual(['a red fox', 'a blue fox', 'a cat']);
    expect(jobs.map((job) => job.workflow['6']?.inputs.text)).toEqual(['a red fox', 'a blue fox', 'a cat']);
    expect(inspectBatch(starterWorkflow(), { prompts: 'a {red|blue} fox\na cat' }).total).toBe(3);
  });

  it('refuses more combinations than a batch holds without building them', () => {
    const line = Array.from({ length: 17 }, () => '{a|b}').join(' ');
    expect(() => expand([line])).toThrow(/more than 100,000 combinations/);
  });
});

describe('one drawn at random per job', () => {
  it('keeps the count, draws per job reproducibly, and does not call the repeats identical', () => {
    const spec = {
      prompts: 'a {red|green|blue} __colors__ fox',
      countPerPrompt: 12,
      dynamicPrompts: 'random' as const,
    };
    const first = prompts(spec, 7);
    expect(first).toHaveLength(12);
    expect(new Set(first).size).toBeGreaterThan(1);
    for (const prompt of first) expect(prompt).toMatch(/^a (red|green|blue) (red|orange|blue) fox$/);
    expect(prompts(spec, 7)).toEqual(first);
    expect(inspectBatch(starterWorkflow(), spec, { wildcards: folderWildcards(folder) }).identicalRepeats).toBe(false);
  });

  it('stores the drawn text in the job, so a retry sends the same prompt', () => {
    const [job] = [...planJobs(starterWorkflow(), { prompts: '{a|b|c|d}', dynamicPrompts: 'random' }, {})];
    expect(job?.patch['6.text']).toBe(job?.prompt);
  });
});

describe('sent as written', () => {
  it('leaves braces and wildcards alone when dynamic prompts are off', () => {
    expect(expand(['a {red|green} __colors__'], 'off')).toEqual(['a {red|green} __colors__']);
  });
});

describe('refusals', () => {
  const refusal = (work: () => unknown): string => {
    try {
      work();
    } catch (error) {
      if (error instanceof ValidationError) return error.message;
      throw error;
    }
    throw new Error('expected a ValidationError');
  };

  it('names an unclosed or stray brace with how to write it literally', () => {
    expect(refusal(() => expand(['ok', 'a {red|green']))).toMatch(/^Prompt 2: a "\{" is not closed.*\\\{/);
    expect(refusal(() => expand(['a } b']))).toMatch(/^Prompt 1: a "\}" closes nothing/);
  });

  it('names a missing wildcard file and the folder it was looked for in', () => {
    const message = refusal(() => expand(['a __nope__']));
    expect(message).toContain('"nope.txt"');
    expect(message).toContain(folder);
  });

  it('stops a wildcard that leads back to itself', () => {
    expect(refusal(() => expand(['__loop__']))).toMatch(/leads back to itself/);
    expect(refusal(() => expand(['__loop__'], 'random'))).toMatch(/leads back to itself/);
  });

  it('never reads outside the folder, by name or by link', () => {
    writeFileSync(join(dir, 'secret.txt'), 'token-abc\n');
    expect(refusal(() => expand(['__people/../../secret__']))).toMatch(/not a file name inside the wildcards folder/);
    symlinkSync(join(dir, 'secret.txt'), join(folder, 'link.txt'));
    expect(refusal(() => expand(['__link__']))).toMatch(/links outside the wildcards folder/);
  });

  it('refuses a file too large or not text, and lists the rest for Settings', () => {
    writeFileSync(join(folder, 'huge.txt'), Buffer.alloc(MAX_WILDCARD_FILE_BYTES + 1, 0x61));
    writeFileSync(join(folder, 'binary.txt'), Buffer.from([0x89, 0x50, 0x00, 0x01]));
    expect(refusal(() => expand(['__huge__']))).toMatch(/at most 4 MiB/);
    expect(refusal(() => expand(['__binary__']))).toMatch(/not text/);
    expect(listWildcards(folder)).toEqual([
      { name: 'colors', entries: 3 },
      { name: 'loop', entries: 1 },
      { name: 'people/artists', entries: 2 },
    ]);
  });
});
