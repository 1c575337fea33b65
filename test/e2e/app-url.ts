export function appUrl(): string {
  const url = process.env.ARTLAB_E2E_URL;
  if (!url) throw new Error('ARTLAB_E2E_URL is not set: run the tests through playwright.config.ts');
  return url;
}
