// Finds user-visible text in JSX that does not go through t(), and the translation keys the renderer asks for, with
// the TypeScript compiler API (a parse, not a regex: JSX text, attributes and expressions are told apart exactly).
import ts from 'typescript';

export interface Finding {
  file: string;
  line: number;
  text: string;
  where: string;
}

/** Attributes a user reads or hears. `value`, `className`, `id`, `data-*`... are not text. */
const TEXT_ATTRIBUTES = new Set([
  'aria-label',
  'aria-description',
  'aria-placeholder',
  'aria-roledescription',
  'aria-valuetext',
  'title',
  'placeholder',
  'alt',
  'label',
]);

/** Text is "visible" when it holds a letter; punctuation, digits and symbols (×, —, …, ⌘) need no translation. */
const hasLetter = (text: string) => /\p{L}/u.test(text);

/**
 * Example values read the same in every language: URLs (`https://…/api`, `oss://bucket/`), host names and ids
 * (`oss-cn-shanghai.aliyuncs.com`, `cn-shanghai`). One lower-case token with `://`, a dot or a hyphen qualifies.
 */
const isMachineValue = (text: string) => {
  const value = text.trim();
  return /^[^\s]+:\/\/[^\s]*$/.test(value) || /^[a-z0-9_]+(?:[.-][a-z0-9_]+)+$/.test(value);
};

function lineOf(source: ts.SourceFile, node: ts.Node): number {
  return source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
}

/** String literals an expression can evaluate to directly (through ?:, ??, ||, &&, parentheses), not call arguments. */
function literalOutcomes(expression: ts.Expression): ts.Node[] {
  if (ts.isStringLiteral(expression) || ts.isNoSubstitutionTemplateLiteral(expression)) return [expression];
  if (ts.isTemplateExpression(expression)) return [expression.head, ...expression.templateSpans.map((s) => s.literal)];
  if (ts.isParenthesizedExpression(expression)) return literalOutcomes(expression.expression);
  if (ts.isConditionalExpression(expression)) {
    return [...literalOutcomes(expression.whenTrue), ...literalOutcomes(expression.whenFalse)];
  }
  if (ts.isBinaryExpression(expression)) {
    const kind = expression.operatorToken.kind;
    if (kind === ts.SyntaxKind.QuestionQuestionToken || kind === ts.SyntaxKind.BarBarToken) {
      return [...literalOutcomes(expression.left), ...literalOutcomes(expression.right)];
    }
    if (kind === ts.SyntaxKind.AmpersandAmpersandToken) return literalOutcomes(expression.right);
  }
  return [];
}

function literalText(node: ts.Node): string {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) return node.text;
  return '';
}

/** Hard-coded user-visible strings in one .tsx file. */
export function findHardCodedText(file: string, code: string): Finding[] {
  const source = ts.createSourceFile(file, code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const findings: Finding[] = [];
  const report = (node: ts.Node, text: string, where: string) => {
    if (hasLetter(text) && !isMachineValue(text))
      findings.push({ file, line: lineOf(source, node), text: text.trim(), where });
  };

  const visit = (node: ts.Node) => {
    if (ts.isJsxText(node)) report(node, node.text, 'text');
    if (ts.isJsxExpression(node) && node.expression && !ts.isJsxAttribute(node.parent)) {
      for (const literal of literalOutcomes(node.expression)) report(literal, literalText(literal), 'text');
    }
    if (ts.isJsxAttribute(node)) {
      const name = node.name.getText(source);
      const value = node.initializer;
      if (TEXT_ATTRIBUTES.has(name) && value) {
        if (ts.isStringLiteral(value)) report(value, value.text, name);
        else if (ts.isJsxExpression(value) && value.expression) {
          for (const literal of literalOutcomes(value.expression)) report(literal, literalText(literal), name);
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return findings;
}

export interface KeyUse {
  file: string;
  line: number;
  /** A whole key (`settings.title`) or, for a template literal, its fixed prefix (`nav.`). */
  key: string;
  exact: boolean;
}

/** Every t('…') / t(`prefix.${x}`) / i18next.t(…) in a file. */
export function findKeyUses(file: string, code: string): KeyUse[] {
  const source = ts.createSourceFile(file, code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const uses: KeyUse[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const isT =
        (ts.isIdentifier(callee) && callee.text === 't') ||
        (ts.isPropertyAccessExpression(callee) && callee.name.text === 't');
      const first = node.arguments[0];
      if (isT && first) {
        const line = lineOf(source, node);
        if (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first)) {
          uses.push({ file, line, key: first.text, exact: true });
        } else if (ts.isTemplateExpression(first)) {
          uses.push({ file, line, key: first.head.text, exact: false });
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return uses;
}
