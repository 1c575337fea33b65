// Just enough multipart/form-data parsing for POST /upload/image: named fields, one of them a file.

export interface FormPart {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

export class MultipartError extends Error {}

export function parseMultipart(body: Buffer, contentTypeHeader: string | undefined): FormPart[] {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentTypeHeader ?? '');
  const marker = boundary?.[1] ?? boundary?.[2];
  if (!marker) throw new MultipartError('multipart body without a boundary');
  const delimiter = Buffer.from(`--${marker}`);
  const parts: FormPart[] = [];
  let start = body.indexOf(delimiter);
  while (start >= 0) {
    const afterDelimiter = start + delimiter.length;
    if (body.subarray(afterDelimiter, afterDelimiter + 2).toString() === '--') break;
    const headerEnd = body.indexOf('\r\n\r\n', afterDelimiter);
    const next = body.indexOf(delimiter, afterDelimiter);
    if (headerEnd < 0 || next < 0) throw new MultipartError('truncated multipart body');
    const headers = body.toString('utf8', afterDelimiter + 2, headerEnd);
    const disposition = /content-disposition:[^\r\n]*/i.exec(headers)?.[0] ?? '';
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
    const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
    const contentType = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1];
    // the part's data ends with the CRLF that precedes the next delimiter
    const data = body.subarray(headerEnd + 4, next - 2);
    if (name !== undefined) {
      parts.push({
        name,
        data,
        ...(filename !== undefined ? { filename } : {}),
        ...(contentType ? { contentType: contentType.trim() } : {}),
      });
    }
    start = next;
  }
  return parts;
}
