// The Live Chat visitor protocol, as the widget speaks it: JSON frames over
// the WebSocket at /api/v1/livechat/CHANNEL_ID/ws. The OpenAPI document
// describes them (LiveChatServerFrame, LiveChatVisitorFrame: the server's
// tests validate its frames against it); their types are generated from it
// into src/openapi.gen.ts, and none is written here.
// Types only: nothing of this file reaches the built script.
import type { components } from '../src/openapi.gen'

type schemas = components['schemas']

/** A file of a message, as the server sends it (livechat.File). */
export type WireFile = schemas['LiveChatFile']

/** The frames the server sends. */
export type ServerFrame = schemas['LiveChatServerFrame']

/** The frames the visitor sends; hello comes first on every connection. */
export type VisitorFrame = schemas['LiveChatVisitorFrame']

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
