// Dynamic prompts, as the dynamicprompts extension writes them: `{red|green|blue}` alternatives (nested freely),
// `__name__` wildcards that stand for a line of `<wildcards folder>/name.txt` (lines may hold alternatives and other
// wildcards; `#` starts a comment line), and `\{ \} \| \_ \\` for the literal characters. A batch either makes every
// combination (the preview's count is exact) or draws one at random per job (drawn when queued and stored with the
// job, so a retry sends the same text). Pure: files come in through a WildcardSource, randomness as a source.

import { ValidationError } from '../errors';
import type { RandomSource } from './seed-source';

export type DynamicPromptMode = 'combinatorial' | 'random' | 'off';

/** The wildcard files: the lines of `name` (comments and blank lines already dropped), undefined when none exists. */
export interface WildcardSource {
  lines(name: string): readonly string[] | undefined;
  /** Where the files are looked for, to say so when one is missing. */
  readonly folder?: string;
}

type Part = string | { options: Part[][] } | { wildcard: string };
type Template = Part[];

/** Wildcards inside wildcards deeper than this are taken as a loop. */
const MAX_DEPTH = 12;
/** The longest a template may be once parsed (parts), so a hostile wildcard file cannot exhaust memory. */
const MAX_PARTS = 100_000;

const WILDCARD = /^__([A-Za-z0-9][A-Za-z0-9 _\-./]*?)__/;

/** Whether a prompt uses any dynamic syntax (so plain prompts never pay for parsing or a wildcard lookup). */
export function isDynamic(prompt: string): boolean {
  return /[{}|\\]|__[A-Za-z0-9]/.test(prompt);
}

function tooManyParts(line: number): ValidationError {
  return new ValidationError(`Prompt ${line}: the prompt has too many parts to expand.`).withCode(
    'prompt-too-many-parts',
    { line },
  );
}

/** `line` is the prompt's line number (from 1), named by every refusal. */
function parse(text: string, line: number): Template {
  const where = `Prompt ${line}`;
  let at = 0;
  let parts = 0;
  const sequence = (inGroup: boolean): { options: Template[]; closed: boolean } => {
    const options: Template[] = [];
    let current: Template = [];
    let literal = '';
    const flush = () => {
      if (literal !== '') current.push(literal);
      literal = '';
    };
    while (at < text.length) {
      const char = text[at] as string;
      if (char === '\\' && at + 1 < text.length) {
        literal += text[at + 1];
        at += 2;
        continue;
      }
      if (char === '{') {
        flush();
        at++;
        const group = sequence(true);
        if (!group.closed) {
          throw new ValidationError(`${where}: a "{" is not closed by "}". Write \\{ for a literal brace.`).withCode(
            'prompt-brace-unclosed',
            { line },
          );
        }
        current.push({ options: group.options });
        if (++parts > MAX_PARTS) throw tooManyParts(line);
        continue;
      }
      if (char === '}') {
        if (!inGroup) {
          throw new ValidationError(`${where}: a "}" closes nothing. Write \\} for a literal brace.`).withCode(
            'prompt-brace-stray',
            { line },
          );
        }
        flush();
        options.push(current);
        at++;
        return { options, closed: true };
      }
      if (char === '|' && inGroup) {
        flush();
        options.push(current);
        current = [];
        at++;
        continue;
      }
      const wildcard = char === '_' ? WILDCARD.exec(text.slice(at)) : null;
      if (wildcard) {
        flush();
        current.push({ wildcard: wildcard[1] as string });
        at += wildcard[0].length;
        if (++parts > MAX_PARTS) throw tooManyParts(line);
        continue;
      }
      literal += char;
      at++;
    }
    flush();
    options.push(current);
    return { options, closed: false };
  };
  const top = sequence(false);
  return top.options[0] ?? [];
}

/**
 * Expands one prompt line of a batch. Keeps what it parsed and read, so counting and expanding a batch costs one parse
 * per line and one read per wildcard file.
 */
class Expander {
  private readonly templates = new Map<string, Template>();

  constructor(
    private readonly wildcards: WildcardSource | undefined,
    private readonly line: number,
  ) {}

  private template(text: string): Template {
    let template = this.templates.get(text);
    if (!template) {
      template = parse(text, this.line);
      this.templates.set(text, template);
    }
    return template;
  }

  private entries(name: string, depth: number): string[] {
    if (depth > MAX_DEPTH) {
      throw new ValidationError(
        `Prompt ${this.line}: the wildcard __${name}__ leads back to itself (or nests too deep).`,
      ).withCode('wildcard-loop', { line: this.line, name });
    }
    const lines = this.wildcards?.lines(name);
    if (lines === undefined || lines.length === 0) {
      const place = this.wildcards?.folder ? ` in the wildcards folder (${this.wildcards.folder})` : '';
      throw new ValidationError(
        lines === undefined
          ? `Prompt ${this.line}: there is no wildcard file "${name}.txt"${place}. Add it, or write \\_\\_ for literal underscores.`
          : `Prompt ${this.line}: the wildcard file "${name}.txt" has no entries${place}.`,
      ).withCode(lines === undefined ? 'wildcard-missing' : 'wildcard-empty', {
        line: this.line,
        name,
        folder: this.wildcards?.folder ?? '',
      });
    }
    return [...lines];
  }

  /** How many prompts every combination makes (stops counting past `cap`). */
  count(text: string, cap: number): number {
    const ofTemplate = (template: Template, depth: number): number => {
      let product = 1;
      for (const part of template) {
        let n = 1;
        if (typeof part === 'string') continue;
        if ('options' in part) {
          n = 0;
          for (const option of part.options) n = Math.min(cap + 1, n + ofTemplate(option, depth));
        } else {
          n = 0;
          for (const line of this.entries(part.wildcard, depth)) {
            n = Math.min(cap + 1, n + ofTemplate(this.template(line), depth + 1));
          }
        }
        product = Math.min(cap + 1, product * n);
      }
      return product;
    };
    return ofTemplate(this.template(text), 0);
  }

  /**
   * Every combination, in order: the first group varies slowest. Call after count() kept the total within the cap:
   * no partial list is longer than the whole.
   */
  all(text: string): string[] {
    const ofTemplate = (template: Template, depth: number): string[] => {
      let heads = [''];
      for (const part of template) {
        let tails: string[];
        if (typeof part === 'string') tails = [part];
        else if ('options' in part) tails = part.options.flatMap((option) => ofTemplate(option, depth));
        else {
          tails = this.entries(part.wildcard, depth).flatMap((line) => ofTemplate(this.template(line), depth + 1));
        }
        heads = heads.flatMap((head) => tails.map((tail) => head + tail));
      }
      return heads;
    };
    return ofTemplate(this.template(text), 0).map(tidy);
  }

  /** One combination drawn at random: each group picks an option, each wildcard a line, uniformly. */
  pick(text: string, random: RandomSource): string {
    const choose = <T>(items: readonly T[]): T => items[Number(random() % BigInt(items.length))] as T;
    const ofTemplate = (template: Template, depth: number): string => {
      let out = '';
      for (const part of template) {
        if (typeof part === 'string') out += part;
        else if ('options' in part) out += ofTemplate(choose(part.options), depth);
        else out += ofTemplate(this.template(choose(this.entries(part.wildcard, depth))), depth + 1);
      }
      return out;
    };
    return tidy(ofTemplate(this.template(text), 0));
  }
}

/** An empty option leaves doubled spaces and dangling commas behind: `a {|red} car` → `a car`. */
function tidy(prompt: string): string {
  return prompt
    .replace(/[ \t]{2,}/g, ' ')
    .replace(/\s+,/g, ',')
    .trim();
}

/** The prompts of a batch, expanded as its mode says, with what random mode needs per job. */
export interface PromptPlan {
  /** The prompt of each prompt slot: every combination (combinatorial), or the lines as written (random, off). */
  prompts: string[];
  /** Random mode: the text a job sends, drawn for its slot. Otherwise the slot's prompt as is. */
  draw(slot: number, random: RandomSource): string;
  /** Whether some slot draws among several texts (random mode with alternatives), so repeats of it can differ. */
  readonly drawsVary: boolean;
}

/**
 * Expands prompt lines. `cap` bounds the combinations (the batch's job limit): past it the count is reported, not
 * built, so `{a|b}` ten times over cannot exhaust memory before the limit is said.
 */
export function planPrompts(
  lines: readonly string[],
  mode: DynamicPromptMode,
  wildcards: WildcardSource | undefined,
  cap: number,
): PromptPlan {
  if (mode === 'off' || !lines.some(isDynamic)) {
    return { prompts: [...lines], draw: (slot) => lines[slot] as string, drawsVary: false };
  }
  const expanders = lines.map((_, i) => new Expander(wildcards, i + 1));
  if (mode === 'random') {
    let drawsVary = false;
    lines.forEach((line, i) => {
      const expander = expanders[i] as Expander;
      if (isDynamic(line) && expander.count(line, 1) > 1) drawsVary = true;
    });
    return {
      prompts: [...lines],
      draw: (slot, random) => {
        const line = lines[slot] as string;
        return isDynamic(line) ? (expanders[slot] as Expander).pick(line, random) : line;
      },
      drawsVary,
    };
  }
  let total = 0;
  lines.forEach((line, i) => {
    total += isDynamic(line) ? (expanders[i] as Expander).count(line, cap) : 1;
  });
  if (total > cap) {
    throw new ValidationError(
      `The prompts make more than ${cap.toLocaleString('en')} combinations. Use fewer alternatives, or draw one at ` +
        'random per job.',
    ).withCode('prompt-combinations-too-many', { max: cap });
  }
  const prompts: string[] = [];
  lines.forEach((line, i) => {
    if (!isDynamic(line)) prompts.push(line);
    else for (const prompt of (expanders[i] as Expander).all(line)) prompts.push(prompt);
  });
  return { prompts, draw: (slot) => prompts[slot] as string, drawsVary: false };
}
