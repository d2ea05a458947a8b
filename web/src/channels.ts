// What the workspace knows about each channel: its name, a small icon and
// the text limit a reply must respect (D4). The channel names and their
// limits come from the OpenAPI document (ChannelName and its
// x-capabilities, generated into openapi.gen.ts), which a server test keeps
// equal to the server's own table; only the label and icon are the
// workspace's. The server refuses a breach too; the counter only warns
// before sending.

import { channelCapabilities, channelNameValues, type ChannelName } from './openapi.gen'

export type { ChannelName }

export interface ChannelInfo {
  label: string
  /** A short glyph shown as the channel's icon (text, never HTML). */
  icon: string
  /** Characters per message, 0 when the channel sets no practical limit. */
  maxLength: number
  /** SMS: longer texts are split into segments (GSM-7 or UCS-2). */
  segmented?: boolean
}

/** How each channel looks: every channel of the document must have one. */
const looks: Record<ChannelName, Pick<ChannelInfo, 'label' | 'icon'>> = {
  api: { label: 'API', icon: '⇄' },
  sms: { label: 'SMS', icon: '✉' },
  whatsapp: { label: 'WhatsApp', icon: 'W' },
  viber: { label: 'Viber', icon: 'V' },
  livechat: { label: 'Live Chat', icon: '💬' },
  email: { label: 'Email', icon: '@' },
  messenger: { label: 'Messenger', icon: 'M' },
  instagram: { label: 'Instagram', icon: 'I' },
  kakao: { label: 'Kakao', icon: 'K' },
  apple: { label: 'Apple Messages', icon: 'A' },
  google: { label: 'Google Business Messages', icon: 'G' },
  voice: { label: 'Voice', icon: '☎' },
  internal: { label: 'Internal', icon: '⌂' },
}

/** The channels in the document's order. */
export const channelNames: readonly ChannelName[] = channelNameValues

export const channels = Object.fromEntries(
  channelNames.map((name) => {
    const caps = channelCapabilities[name]
    const info: ChannelInfo = { ...looks[name], maxLength: caps.maxTextLength }
    if (caps.segmented) info.segmented = true
    return [name, info]
  }),
) as Record<ChannelName, ChannelInfo>

/** channelInfo never fails: unknown channels get a neutral entry. */
export function channelInfo(name: string): ChannelInfo {
  return channels[name as ChannelName] ?? { label: name || 'Unknown', icon: '•', maxLength: 0 }
}
