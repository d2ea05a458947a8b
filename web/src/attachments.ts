// The client-side check of note attachments (D3): at most 25 MB and one of
// the allowed formats. The server checks again, sniffing the content.
export const maxAttachmentBytes = 25 << 20
export const maxFiles = 10
export const allowedExtensions = (
  'csv doc docx gif jpeg jpg mp4 pdf png ppt pptx rar txt xls xlsx zip ods odp odt odm xml bmp wav mp3 mpeg webp webm avi ' +
  'gzip gz ogg moov mov json heic heif ico'
).split(' ')

/** checkFiles returns why the files cannot be attached, or ''. */
export function checkFiles(files: File[]): string {
  if (files.length > maxFiles) return `At most ${maxFiles} files per note.`
  for (const f of files) {
    const ext = f.name.includes('.') ? f.name.split('.').pop()!.toLowerCase() : ''
    if (!allowedExtensions.includes(ext)) return `${f.name}: files of type ${ext ? '.' + ext : 'without extension'} cannot be attached.`
    if (f.size > maxAttachmentBytes) return `${f.name} is larger than 25 MB.`
  }
  return ''
}
