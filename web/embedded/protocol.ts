// The Live Chat visitor protocol, as the widget speaks it: JSON frames over
// the WebSocket at /api/v1/livechat/CHANNEL_ID/ws. The server's side is
// livechat.Event (internal/channel/livechat/hub.go); the OpenAPI document
// describes the socket in words only, so these types are written here.
// Types only: nothing of this file reaches the built script.

/** A file of a message, as the server sends it (livechat.File). */
export interface WireFile {
  name?: string
  content_type?: string
  size?: number
  /** A signed link relative to Switchboard's origin, e.g. /media/TOKEN; absent when the file cannot be downloaded. */
  url?: string
  /** The refusal code of a file that was not stored, and whether its download is retried. */
  refused?: string
  pending?: boolean
  /** Why there is no link, worded for the visitor. */
  reason?: string
}

/** A message of the history frame. */
export interface HistoryMessage {
  id?: string
  direction?: string
  text?: string
  files?: WireFile[]
}

/** The frames the server sends. */
export type ServerFrame =
  | { type: 'session'; token: string; visitor_id?: string; prechat?: string[]; verified?: boolean }
  | { type: 'history'; messages?: HistoryMessage[] }
  | { type: 'message'; id: string; direction?: string; text?: string; files?: WireFile[]; at?: string }
  | { type: 'ack'; id: string }
  | { type: 'seen'; ids?: string[] }
  | { type: 'typing' }
  | { type: 'error'; id?: string; code?: string; message?: string; retry_after?: number }

/** The frames the visitor sends; hello comes first on every connection. */
export type VisitorFrame =
  | { type: 'hello'; token: string; user_id: string; user_hash: string; name: string; email: string }
  | { type: 'message'; id: string; text: string }
  | { type: 'delivered' | 'seen'; ids: string[] }
  | { type: 'typing' }
  | { type: 'profile'; name: string; email: string }

/** One file line of a message on screen, as window.SwitchboardChat.messages() reports it. */
export interface ChatFile {
  text: string
  href: string
  rel: string
  target: string
  preview: string
}

/** One message on screen, as window.SwitchboardChat.messages() reports it. */
export interface ChatMessage {
  id: string
  direction: 'in' | 'out'
  text: string
  files: ChatFile[]
  state: string
}
