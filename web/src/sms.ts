// SMS segment counting (D4): GSM-7 texts take 160 characters in one
// segment and 153 per segment once split (the rest is the concatenation
// header); any character outside GSM-7 switches the whole text to UCS-2,
// 70 and 67 UTF-16 code units.

const gsmBasic =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà'
/** Characters of the extension table, each costing two septets. */
const gsmExtended = '^{}\\[~]|€\f'

const basic = new Set(gsmBasic)
const extended = new Set(gsmExtended)

export interface SmsCount {
  encoding: 'GSM-7' | 'UCS-2'
  /** Length in the encoding's units (septets or UTF-16 code units). */
  units: number
  segments: number
  /** Units per segment for this text: 160/153 or 70/67. */
  perSegment: number
  /** Units left in the current segment. */
  remaining: number
}

/** countSms reports the encoding, length and segments of an SMS text. */
export function countSms(text: string): SmsCount {
  let septets = 0
  let gsm = true
  for (const ch of text) {
    if (basic.has(ch)) septets += 1
    else if (extended.has(ch)) septets += 2
    else {
      gsm = false
      break
    }
  }
  const units = gsm ? septets : text.length
  const single = gsm ? 160 : 70
  const multi = gsm ? 153 : 67
  const segments = units === 0 ? 0 : units <= single ? 1 : Math.ceil(units / multi)
  const perSegment = segments > 1 ? multi : single
  const remaining = segments === 0 ? single : segments * perSegment - units
  return { encoding: gsm ? 'GSM-7' : 'UCS-2', units, segments, perSegment, remaining }
}
