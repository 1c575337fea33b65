// Module loader hook (runs on Node's loader thread): the specifier `electron` resolves to the stand-in.
let standInUrl;

export function initialize(data) {
  standInUrl = data.standInUrl;
}

export function resolve(specifier, context, nextResolve) {
  if (specifier === 'electron') return { url: standInUrl, format: 'commonjs', shortCircuit: true };
  return nextResolve(specifier, context);
}
