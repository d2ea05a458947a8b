// The client-side check of note attachments (D3): at most 25 MB and one of
// the allowed formats. The server checks again, sniffing the content.
export const maxAttachmentBytes = 25 << 20
export const maxFiles = 10
export const allowedExtensions = (
  'csv doc docx gif jpeg jpg mp4 pdf png ppt pptx rar txt xls xlsx zip ods odp odt odm xml bmp wav mp3 mpeg webp webm avi ' +
  'gzip gz ogg moov mov json heic heif ico'
).split(' ')

/** The largest file a reply may carry (WhatsApp documents, D4); each
 * channel's own limits are checked by the server on the real content. */
export const maxReplyFileBytes = 100 << 20

/** checkFiles returns why the files cannot be attached, or ''. Notes keep
 * to D3's list and 25 MB; replies only to the largest channel limit. */
export function checkFiles(files: File[], kind: 'note' | 'reply' = 'note'): string {
  if (files.length > maxFiles) return `At most ${maxFiles} files per ${kind === 'note' ? 'note' : 'message'}.`
  for (const f of files) {
    if (kind === 'reply') {
      if (f.size > maxReplyFileBytes) return `${f.name} is larger than 100 MB.`
      continue
    }
    const ext = f.name.includes('.') ? f.name.split('.').pop()!.toLowerCase() : ''
    if (!allowedExtensions.includes(ext)) return `${f.name}: files of type ${ext ? '.' + ext : 'without extension'} cannot be attached.`
    if (f.size > maxAttachmentBytes) return `${f.name} is larger than 25 MB.`
  }
  return ''
}
