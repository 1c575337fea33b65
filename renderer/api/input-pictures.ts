// What the session knows of the input images it sent: the artist's file name and a thumbnail for each content name
// (`artlab-<sha>.png`), so that a field, a preview or a grid label names "beach.jpg", not a hash.
const CONTENT_NAME = /^artlab-([0-9a-f]{40})\.([a-z0-9]{2,5})$/;

export interface Picture {
  fileName: string;
  /** An object URL of the chosen file, or the Gallery's thumbnail. */
  url: string | null;
  /** Put in by the Gallery's "Use as input", on this service. */
  fromGallery?: string;
}

/** Image value → picture, for the session. */
export const pictures = new Map<string, Picture>();

/** Whether a value is one of the app's own inputs, named by the SHA-256 of its bytes. */
export function isInputName(value: string): boolean {
  return CONTENT_NAME.test(value);
}

/** The file name the artist chose, else a short form of the content name ("e8f2453b….png"), else the value. */
export function inputLabel(value: string): string {
  const picture = pictures.get(value);
  if (picture) return picture.fileName;
  const match = CONTENT_NAME.exec(value);
  return match ? `${(match[1] ?? '').slice(0, 8)}….${match[2] ?? ''}` : value;
}
