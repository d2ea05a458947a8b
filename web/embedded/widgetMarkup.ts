// The Live Chat widget's markup and style, kept apart from its behaviour
// (widget.ts); the build inlines them into widget.js. Class names here are
// what widget.ts looks up.

/** The longest message a visitor may send (D4), also the textarea's maxlength. */
export const MAX = 4096

const STYLE =
  '.btn{position:fixed;right:20px;bottom:20px;z-index:2147483000;border:0;border-radius:24px;padding:12px 18px;background:#2563eb;color:#fff;font:600 14px system-ui;cursor:pointer}' +
  '.panel{position:fixed;right:20px;bottom:76px;z-index:2147483000;width:320px;max-width:calc(100vw - 40px);height:420px;display:none;flex-direction:column;background:#fff;border:1px solid #d1d5db;border-radius:12px;box-shadow:0 8px 24px rgba(0,0,0,.15);font:14px system-ui;color:#111}' +
  '.panel.open{display:flex}.log{flex:1;overflow-y:auto;padding:10px}.m{margin:6px 0;padding:8px 10px;border-radius:10px;max-width:80%;white-space:pre-wrap;word-wrap:break-word}' +
  '.in{background:#2563eb;color:#fff;margin-left:auto}.out{background:#f3f4f6}.st{font-size:11px;opacity:.7;text-align:right}' +
  '.bar{display:flex;border-top:1px solid #e5e7eb}.bar textarea{flex:1;border:0;padding:10px;resize:none;font:inherit}.bar button{border:0;background:none;color:#2563eb;font-weight:600;padding:0 14px;cursor:pointer}' +
  '.note{font-size:12px;color:#6b7280;padding:4px 10px}.note.err{color:#b91c1c}.bar .att{padding:0 10px;font-size:18px}.file{position:absolute;width:1px;height:1px;opacity:0;overflow:hidden}' +
  '.m.failed .st{color:#fecaca;opacity:1}' +
  '.fs:empty{display:none}.f{margin-top:4px}.f a{color:inherit;text-decoration:underline}.f.na{opacity:.8;font-style:italic}' +
  '.f img{display:block;max-width:100%;max-height:160px;margin-bottom:2px;border-radius:6px}' +
  '.pre{display:none;flex-direction:column;gap:6px;padding:10px;border-top:1px solid #e5e7eb}.pre.on{display:flex}.pre input{padding:8px;border:1px solid #d1d5db;border-radius:6px;font:inherit}' +
  '.pre button{border:0;border-radius:6px;padding:8px;background:#2563eb;color:#fff;font-weight:600;cursor:pointer}.bar.off{display:none}'

/** The widget's button and panel, written into its shadow root. */
export const MARKUP =
  '<style>' +
  STYLE +
  '</style>' +
  "<button class='btn' part='button'>Chat</button>" +
  "<div class='panel' role='dialog' aria-label='Chat'><div class='log' aria-live='polite'></div><div class='note'></div>" +
  "<form class='pre' aria-label='Before we start'><label class='pn'>Your name <input name='name' autocomplete='name' maxlength='200'></label>" +
  "<label class='pe'>Your email <input name='email' type='email' autocomplete='email' maxlength='320'></label><button type='submit'>Start chat</button></form>" +
  "<div class='bar'><input type='file' class='file' tabindex='-1' aria-hidden='true'><button class='att' title='Attach a file' aria-label='Attach a file'>\uD83D\uDCCE</button>" +
  "<textarea rows='2' maxlength='" +
  MAX +
  "' placeholder='Write a message…' aria-label='Message'></textarea><button class='send'>Send</button></div></div>"
