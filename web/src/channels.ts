// What the workspace knows about each channel: its name, a small icon and
// the text limit a reply must respect (D4). The server refuses a breach
// too; the counter only warns before sending.

export interface ChannelInfo {
  label: string
  /** A short glyph shown as the channel's icon (text, never HTML). */
  icon: string
  /** Characters per message, 0 when the channel sets no practical limit. */
  maxLength: number
  /** SMS: longer texts are split into segments (GSM-7 or UCS-2). */
  segmented?: boolean
}

export const channels: Record<string, ChannelInfo> = {
  api: { label: 'API', icon: '⇄', maxLength: 0 },
  sms: { label: 'SMS', icon: '✉', maxLength: 0, segmented: true },
  whatsapp: { label: 'WhatsApp', icon: 'W', maxLength: 4096 },
  viber: { label: 'Viber', icon: 'V', maxLength: 1000 },
  livechat: { label: 'Live Chat', icon: '💬', maxLength: 4096 },
  email: { label: 'Email', icon: '@', maxLength: 0 },
  messenger: { label: 'Messenger', icon: 'M', maxLength: 2000 },
  instagram: { label: 'Instagram', icon: 'I', maxLength: 1000 },
  kakao: { label: 'Kakao', icon: 'K', maxLength: 1000 },
  apple: { label: 'Apple Messages', icon: 'A', maxLength: 1000 },
  google: { label: 'Google Business Messages', icon: 'G', maxLength: 1000 },
  voice: { label: 'Voice', icon: '☎', maxLength: 0 },
  internal: { label: 'Internal', icon: '⌂', maxLength: 0 },
}

/** channelInfo never fails: unknown channels get a neutral entry. */
export function channelInfo(name: string): ChannelInfo {
  return channels[name] ?? { label: name || 'Unknown', icon: '•', maxLength: 0 }
}
