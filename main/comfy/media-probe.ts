// What a downloaded file really is, from its first bytes (never from the name a service gave it): the cache's file
// extension and the Content-Type it is served with come from here.

export type MediaKind = 'image' | 'video' | 'audio';

export interface MediaType {
  media: MediaKind;
  mime: string;
  /** The cache file's extension, without the dot. */
  ext: string;
}

/** How many leading bytes probeMedia() needs. */
export const PROBE_BYTES = 32;

const ascii = (bytes: Uint8Array, from: number, to: number): string =>
  Buffer.from(bytes.subarray(from, to)).toString('latin1');

/** The type of a file from its leading bytes, or undefined when it is nothing the gallery can show or play. */
export function probeMedia(head: Uint8Array): MediaType | undefined {
  if (head.length >= 8 && head[0] === 0x89 && ascii(head, 1, 4) === 'PNG') {
    return { media: 'image', mime: 'image/png', ext: 'png' };
  }
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) {
    return { media: 'image', mime: 'image/jpeg', ext: 'jpg' };
  }
  if (head.length >= 12 && ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WEBP') {
    return { media: 'image', mime: 'image/webp', ext: 'webp' };
  }
  if (head.length >= 6 && (ascii(head, 0, 6) === 'GIF87a' || ascii(head, 0, 6) === 'GIF89a')) {
    return { media: 'image', mime: 'image/gif', ext: 'gif' };
  }
  if (head.length >= 12 && ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WAVE') {
    return { media: 'audio', mime: 'audio/wav', ext: 'wav' };
  }
  // SaveAudio writes FLAC, SaveAudioOpus Ogg, SaveAudioMP3 MP3 (an ID3 tag first, or a bare MPEG frame sync)
  if (head.length >= 4 && ascii(head, 0, 4) === 'fLaC') return { media: 'audio', mime: 'audio/flac', ext: 'flac' };
  if (head.length >= 4 && ascii(head, 0, 4) === 'OggS') return { media: 'audio', mime: 'audio/ogg', ext: 'ogg' };
  if (head.length >= 3 && ascii(head, 0, 3) === 'ID3') return { media: 'audio', mime: 'audio/mpeg', ext: 'mp3' };
  if (head.length >= 2 && head[0] === 0xff && ((head[1] ?? 0) & 0xe6) === 0xe2) {
    return { media: 'audio', mime: 'audio/mpeg', ext: 'mp3' };
  }
  // ISO base media (mp4, mov, avif, m4a): a `ftyp` box first, its major brand after it
  if (head.length >= 12 && ascii(head, 4, 8) === 'ftyp') {
    const brand = ascii(head, 8, 12);
    if (brand === 'M4A ') return { media: 'audio', mime: 'audio/mp4', ext: 'm4a' };
    if (brand === 'avif' || brand === 'avis') return { media: 'image', mime: 'image/avif', ext: 'avif' };
    if (brand === 'qt  ') return { media: 'video', mime: 'video/quicktime', ext: 'mov' };
    return { media: 'video', mime: 'video/mp4', ext: 'mp4' };
  }
  // Matroska / WebM: the EBML magic
  if (head.length >= 4 && head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3) {
    return { media: 'video', mime: 'video/webm', ext: 'webm' };
  }
  return undefined;
}

const MIME_BY_EXT: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  avif: 'image/avif',
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  webm: 'video/webm',
  wav: 'audio/wav',
  flac: 'audio/flac',
  ogg: 'audio/ogg',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
};

/** The Content-Type of a cache file, by the extension the cache itself chose. */
export function mimeOfCacheFile(path: string): string {
  const ext = path.slice(path.lastIndexOf('.') + 1).toLowerCase();
  return MIME_BY_EXT[ext] ?? 'application/octet-stream';
}
