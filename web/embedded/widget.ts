// Switchboard Live Chat widget, served by the binary at /widget.js (built by
// scripts/build-embedded.mjs into dist/embedded/widget.js). Embed with
//   <script src="https://DESK/widget.js" data-channel="CHANNEL_ID" async></script>
// It opens a WebSocket to DESK/api/v1/livechat/CHANNEL_ID/ws, keeps the
// visitor's signed session token in localStorage (so the chat survives
// reloads), resends unacknowledged messages after a reconnect (same IDs:
// the server stores each once) and sends delivered/seen receipts. Files go
// to DESK/api/v1/livechat/CHANNEL_ID/files with the session token; the
// server sniffs them and holds them to Live Chat's limits (D3/D4), and its
// refusal is shown on the file's message. Files of messages (both ways)
// arrive as data {name, content_type, size, url} and show as links (built
// with DOM APIs, never markup) to Switchboard's origin only.
// A site whose visitors are signed in adds data-user-id and data-user-hash
// (hex HMAC-SHA256 of the user ID with the channel's identity_secret,
// computed on the site's server): the user is one visitor on every device.
// A channel with a pre-chat form (setting prechat) asks for a name and/or
// an email before the first message; the answers are kept with the session.
import type { Error as APIError } from '../src/openapi.gen'
import type { ChatFile, ChatMessage, ServerFrame, VisitorFrame, WireFile } from './protocol'
import { MARKUP, MAX } from './widgetMarkup'

/** The small API the widget gives the host page (and tests). */
export interface SwitchboardChat {
  open(): void
  close(): void
  send(text: string): boolean
  sendFile(file: File | null | undefined, text?: string): Promise<boolean>
  status(): string | null
  messages(): ChatMessage[]
}

declare global {
  interface Window {
    SwitchboardChat?: SwitchboardChat
  }
}

/** One message on screen: its element and the three lines inside it. */
interface Shown {
  el: HTMLDivElement
  text: HTMLDivElement
  files: HTMLDivElement
  state: HTMLDivElement
}

/** What the pre-chat form told. */
interface Profile {
  name?: string
  email?: string
}

const MAXFILE = 25 * 1024 * 1024 // Live Chat's file limit (D3's 25 MB)
const TYPING = 'Agent is typing\u2026'
const LIMITED = 'Too many messages right now \u2014 try again shortly.'

// size says a file's size for people ("" when unknown).
function size(n: number | undefined): string {
  if (!(n !== undefined && n > 0)) return ''
  if (n < 1024) return n + ' B'
  if (n < 1024 * 1024) return (n / 1024).toFixed(1) + ' KB'
  return (n / 1024 / 1024).toFixed(1) + ' MB'
}

function newID(): string {
  return 'c' + Date.now().toString(36) + Math.random().toString(36).slice(2, 8)
}

// widget runs the chat of one channel for the page that loaded script.
function widget(script: HTMLScriptElement, channel: string): void {
  const origin = new URL(script.src, location.href).origin
  const wsURL = origin.replace(/^http/, 'ws') + '/api/v1/livechat/' + encodeURIComponent(channel) + '/ws'
  const filesURL = origin + '/api/v1/livechat/' + encodeURIComponent(channel) + '/files'
  const storeKey = 'switchboard-livechat-' + channel
  const profileKey = storeKey + '-profile'
  const userID = script.dataset.userId || ''
  const userHash = script.dataset.userHash || ''
  let profile: Profile = {}
  try {
    profile = (JSON.parse(localStorage.getItem(profileKey) || '{}') as Profile | null) || {}
  } catch {
    profile = {}
  }
  let token: string | null = null // the visitor's session, also kept in localStorage
  let visitorID = '' // from the session frame: maps history IDs to ours

  let ws: WebSocket | null = null
  let backoff = 1000
  let open = false
  let connected = false
  let limitedUntil = 0
  const shown: Record<string, Shown> = {} // message id → its element
  const pending: Record<string, string> = {} // our unacknowledged messages: id → text
  let unseen: string[] = [] // agent message ids not yet reported seen
  let prechat: string[] = []

  // The UI lives in a shadow root so the host page's CSS cannot reach it.
  const host = document.createElement('div')
  host.id = 'switchboard-livechat'
  // Browsers without shadow DOM get the UI in the host element.
  const root: ShadowRoot | HTMLDivElement =
    typeof host.attachShadow === 'function' ? host.attachShadow({ mode: 'open' }) : host
  root.innerHTML = MARKUP
  // $ finds an element of the markup just written: it is there.
  const $ = <T extends Element>(selector: string): T => root.querySelector(selector) as T
  const btn = $<HTMLButtonElement>('.btn')
  const panel = $<HTMLDivElement>('.panel')
  const log = $<HTMLDivElement>('.log')
  const note = $<HTMLDivElement>('.note')
  const input = $<HTMLTextAreaElement>('textarea')
  const sendBtn = $<HTMLButtonElement>('.bar .send')
  const attachBtn = $<HTMLButtonElement>('.bar .att')
  const fileInput = $<HTMLInputElement>('.file')
  const pre = $<HTMLFormElement>('.pre')
  const preName = $<HTMLInputElement>('.pre [name=name]')
  const preEmail = $<HTMLInputElement>('.pre [name=email]')
  const bar = $<HTMLDivElement>('.bar')

  function frame(e: VisitorFrame): void {
    if (ws && connected) ws.send(JSON.stringify(e))
  }

  // askProfile shows the pre-chat form for the fields the channel asks
  // and the visitor has not answered, hiding the message bar until sent.
  function askProfile(fields: readonly string[], hasHistory: boolean): void {
    const missing = fields.filter((f) => !profile[f as keyof Profile])
    if (!missing.length || hasHistory) return
    $<HTMLElement>('.pn').style.display = missing.indexOf('name') >= 0 ? '' : 'none'
    $<HTMLElement>('.pe').style.display = missing.indexOf('email') >= 0 ? '' : 'none'
    preName.required = missing.indexOf('name') >= 0
    preEmail.required = missing.indexOf('email') >= 0
    pre.classList.add('on')
    bar.classList.add('off')
  }
  pre.addEventListener('submit', (ev) => {
    ev.preventDefault()
    const name = preName.value.trim()
    const email = preEmail.value.trim()
    if (name) profile.name = name
    if (email) profile.email = email
    try {
      localStorage.setItem(profileKey, JSON.stringify(profile))
    } catch {
      // private mode
    }
    frame({ type: 'profile', name: profile.name || '', email: profile.email || '' })
    pre.classList.remove('on')
    bar.classList.remove('off')
    input.focus()
  })

  // safeLink returns a file link as an absolute URL if it is http(s) on
  // Switchboard's origin (the server sends /media/... links, resolved
  // against the origin this script came from), else "": a link never
  // leads elsewhere nor runs script (javascript:, data:).
  function safeLink(u: unknown): string {
    if (typeof u !== 'string' || !u) return ''
    let x: URL
    try {
      x = new URL(u, origin)
    } catch {
      return ''
    }
    return (x.protocol === 'https:' || x.protocol === 'http:') && x.origin === origin ? x.href : ''
  }

  // fileLine is one file of a message: a link that opens it (images with
  // a small preview), or, without a usable link (refused, pending), a plain
  // line saying why. Names are text, whatever markup they hold.
  function fileLine(f: WireFile): HTMLDivElement {
    const line = document.createElement('div')
    line.className = 'f'
    const name = '\uD83D\uDCCE ' + String(f.name || 'file')
    const href = safeLink(f.url)
    if (!href) {
      line.classList.add('na')
      line.textContent = name + ' \u2014 ' + String(f.reason || 'not available')
      return line
    }
    const a = document.createElement('a')
    a.href = href
    a.target = '_blank'
    a.rel = 'noopener'
    if (/^image\//.test(String(f.content_type || ''))) {
      const img = document.createElement('img')
      img.src = href
      img.alt = ''
      img.loading = 'lazy'
      // A type the browser cannot draw (HEIC, say) keeps just the link.
      img.addEventListener('error', () => {
        if (img.parentNode) img.parentNode.removeChild(img)
      })
      a.appendChild(img)
    }
    const s = size(f.size)
    a.appendChild(document.createTextNode(name + (s ? ' (' + s + ')' : '')))
    line.appendChild(a)
    return line
  }

  // show adds or updates a message; state and files stay as they are when
  // undefined.
  function show(id: string, direction: string | undefined, text: string | undefined, state?: string, files?: unknown): void {
    let m = shown[id]
    if (!m) {
      const el = document.createElement('div')
      el.className = 'm ' + (direction === 'in' ? 'in' : 'out')
      el.dataset.id = id
      m = { el, text: document.createElement('div'), files: document.createElement('div'), state: document.createElement('div') }
      m.files.className = 'fs'
      m.state.className = 'st'
      el.append(m.text, m.files, m.state)
      log.appendChild(el)
      shown[id] = m
      if (direction === 'out') {
        unseen.push(id)
        frame({ type: 'delivered', ids: [id] })
      }
    }
    m.text.textContent = text || ''
    if (files !== undefined) {
      // Replaced, not added to: a reconnect's history brings fresh links.
      const box = m.files
      while (box.firstChild) box.removeChild(box.firstChild)
      ;(Array.isArray(files) ? (files as unknown[]) : []).forEach((f) => {
        if (f && typeof f === 'object') box.appendChild(fileLine(f as WireFile))
      })
    }
    if (state !== undefined) m.state.textContent = state
    log.scrollTop = log.scrollHeight
    reportSeen()
  }

  // Agent messages count as seen once the panel is open on a visible page.
  function reportSeen(): void {
    if (open && document.visibilityState === 'visible' && unseen.length && connected) {
      frame({ type: 'seen', ids: unseen.splice(0) })
    }
  }

  function send(value: string): boolean {
    const text = (value || '').trim()
    if (!text) return false
    if (text.length > MAX) {
      note.textContent = 'Messages are limited to ' + MAX + ' characters.'
      return false
    }
    const id = newID()
    pending[id] = text
    show(id, 'in', text, 'sending…')
    frame({ type: 'message', id, text })
    return true
  }

  // failed marks a message not sent and says why, on it and in the note.
  function failed(id: string, why: string): void {
    const m = shown[id]
    if (m) {
      m.el.classList.add('failed')
      m.state.textContent = 'not sent: ' + why
    }
    note.textContent = why
    note.classList.add('err')
  }

  // sendFile uploads one file as a message (with optional text). Too
  // large is said before uploading; the server's refusal (a type Live Chat
  // does not take, content that is not what the name says, no session) is
  // shown as it words it. Resolves true once stored.
  async function sendFile(file: File | null | undefined, text?: string): Promise<boolean> {
    if (!file) return false
    const id = newID()
    note.textContent = ''
    note.classList.remove('err')
    show(id, 'in', '\uD83D\uDCCE ' + file.name + (text ? '\n' + text : ''), 'uploading…')
    if (file.size > MAXFILE) {
      failed(id, file.name + ' is larger than 25 MB.')
      return false
    }
    if (!token) {
      failed(id, 'Not connected yet; try again in a moment.')
      return false
    }
    const form = new FormData()
    // The session first: the server checks it before storing a byte.
    form.append('token', token)
    form.append('id', id)
    if (text) form.append('text', text)
    form.append('file', file, file.name)
    let r: Response
    try {
      r = await fetch(filesURL, { method: 'POST', body: form })
    } catch {
      failed(id, 'the file could not be sent: no connection.')
      return false
    }
    if (r.ok) {
      shown[id].state.textContent = 'sent'
      return true
    }
    const b = (await r.json().catch(() => null)) as Partial<APIError> | null
    failed(id, (b && b.error && b.error.message) || (r.status === 413 ? file.name + ' is too large.' : 'the file could not be sent (' + r.status + ').'))
    return false
  }

  let typingTimer: number | undefined
  let typedAt = 0
  function onEvent(e: ServerFrame): void {
    switch (e.type) {
      case 'session':
        token = e.token
        visitorID = e.visitor_id || ''
        prechat = e.prechat || []
        try {
          localStorage.setItem(storeKey, e.token)
        } catch {
          // private mode: the session lasts the page
        }
        break
      case 'history': {
        const messages = e.messages || []
        askProfile(prechat, messages.length > 0)
        messages.forEach((m) => {
          // The server keeps our messages as lc-in-VISITOR-ID: shown under
          // our ID, a message sent before a reconnect is not shown twice.
          let id = String(m.id || '')
          const ours = 'lc-in-' + visitorID + '-'
          if (visitorID && m.direction === 'in' && id.indexOf(ours) === 0) id = id.slice(ours.length)
          if (m.direction === 'in' && pending[id]) return // resent below
          show(id, m.direction, m.text, m.direction === 'in' ? '' : undefined, m.files || [])
        })
        Object.keys(pending).forEach((id) => frame({ type: 'message', id, text: pending[id] }))
        break
      }
      case 'message':
        show(e.id, e.direction, e.text, undefined, e.files || [])
        break
      case 'ack':
        delete pending[e.id]
        if (shown[e.id]) shown[e.id].state.textContent = 'sent'
        break
      case 'seen':
        Object.keys(shown).forEach((id) => {
          const m = shown[id]
          if (m.el.classList.contains('in') && !pending[id]) m.state.textContent = 'seen'
        })
        break
      case 'typing':
        // An agent is typing: say so for a few seconds.
        note.textContent = TYPING
        clearTimeout(typingTimer)
        typingTimer = setTimeout(() => {
          if (note.textContent === TYPING) note.textContent = ''
        }, 4000)
        break
      case 'error':
        if (e.code === 'rate_limited') {
          // Too many chats or messages from here: say so, and wait before
          // reconnecting (the server closes a refused new session).
          limitedUntil = Date.now() + (e.retry_after || 10) * 1000
          if (e.id && shown[e.id]) {
            delete pending[e.id]
            shown[e.id].state.textContent = 'not sent: try again shortly'
          }
          note.textContent = LIMITED
          break
        }
        if (e.id && shown[e.id]) {
          delete pending[e.id]
          shown[e.id].state.textContent = 'not sent: ' + e.message
        } else {
          note.textContent = e.message ?? null
        }
        break
    }
  }

  function connect(): void {
    try {
      token = localStorage.getItem(storeKey) || token
    } catch {
      // no storage: the session lasts the page
    }
    const conn = new WebSocket(wsURL)
    ws = conn
    // Handlers are properties, not listeners: tests stand in a fake
    // WebSocket that calls them.
    conn.onopen = () => {
      connected = true
      backoff = 1000
      note.textContent = ''
      conn.send(JSON.stringify({ type: 'hello', token: token || '', user_id: userID, user_hash: userHash, name: profile.name || '', email: profile.email || '' } satisfies VisitorFrame))
      reportSeen()
    }
    conn.onmessage = (m: MessageEvent<string>) => {
      try {
        // The frames come from Switchboard, which sends ServerFrame.
        onEvent(JSON.parse(m.data) as ServerFrame)
      } catch {
        // ignore bad frames
      }
    }
    conn.onclose = () => {
      connected = false
      const wait = limitedUntil - Date.now()
      if (wait > 0) {
        note.textContent = LIMITED
        setTimeout(connect, Math.max(wait, backoff))
      } else {
        note.textContent = 'Reconnecting…'
        setTimeout(connect, backoff)
      }
      backoff = Math.min(backoff * 2, 30000)
    }
  }

  function setOpen(v: boolean): void {
    open = v
    panel.classList.toggle('open', v)
    if (v) {
      input.focus()
      reportSeen()
    }
  }
  btn.addEventListener('click', () => setOpen(!open))
  sendBtn.addEventListener('click', () => {
    if (send(input.value)) input.value = ''
  })
  attachBtn.addEventListener('click', () => fileInput.click())
  fileInput.addEventListener('change', () => {
    const f = fileInput.files && fileInput.files[0]
    fileInput.value = ''
    // Text typed so far goes with the file as its caption.
    const text = input.value.trim()
    if (f) {
      input.value = ''
      void sendFile(f, text)
    }
  })
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault()
      if (send(input.value)) input.value = ''
    }
  })
  input.addEventListener('input', () => {
    // The agent sees the visitor typing; at most one frame every 2 s.
    const now = Date.now()
    if (input.value && now - typedAt >= 2000) {
      typedAt = now
      frame({ type: 'typing' })
    }
  })
  document.addEventListener('visibilitychange', reportSeen)

  function start(): void {
    document.body.appendChild(host)
    connect()
  }
  if (document.body) start()
  else document.addEventListener('DOMContentLoaded', start)

  window.SwitchboardChat = {
    open: () => setOpen(true),
    close: () => setOpen(false),
    send,
    sendFile,
    status: () => note.textContent,
    messages: () =>
      Object.keys(shown).map((id) => {
        const m = shown[id]
        const files = Array.prototype.map.call(m.files.childNodes, (line: HTMLElement): ChatFile => {
          const a = line.querySelector('a')
          const img = line.querySelector('img')
          return { text: line.textContent || '', href: a ? a.href : '', rel: a ? a.rel : '', target: a ? a.target : '', preview: img ? img.src : '' }
        }) as ChatFile[]
        return { id, direction: m.el.classList.contains('in') ? 'in' : 'out', text: m.text.textContent || '', files, state: m.state.textContent || '' }
      }),
  }
}

// The script reads its own tag (data-channel and where it came from) while
// it runs; without a channel it does nothing.
const script = document.currentScript
if (script instanceof HTMLScriptElement && script.dataset.channel) widget(script, script.dataset.channel)
