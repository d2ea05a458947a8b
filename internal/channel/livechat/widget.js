// Switchboard Live Chat widget. Embed with
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
(function () {
  "use strict";
  var script = /** @type {HTMLScriptElement | null} */ (document.currentScript);
  if (!script || !script.dataset.channel) { return; }
  var channel = script.dataset.channel;
  var origin = new URL(script.src, location.href).origin;
  var wsURL = origin.replace(/^http/, "ws") + "/api/v1/livechat/" + encodeURIComponent(channel) + "/ws";
  var filesURL = origin + "/api/v1/livechat/" + encodeURIComponent(channel) + "/files";
  var storeKey = "switchboard-livechat-" + channel;
  var profileKey = storeKey + "-profile";
  var userID = script.dataset.userId || "", userHash = script.dataset.userHash || "";
  var profile = {}; // what the pre-chat form told: {name?, email?}
  try { profile = JSON.parse(localStorage.getItem(profileKey) || "{}") || {}; } catch (err) { profile = {}; }
  var MAX = 4096;
  var MAXFILE = 25 * 1024 * 1024; // Live Chat's file limit (D3's 25 MB)
  var token = null; // the visitor's session, also kept in localStorage
  var visitorID = ""; // from the session frame: maps history IDs to ours

  var ws = null, backoff = 1000, open = false, connected = false, limitedUntil = 0;
  var shown = {};     // message id → element
  var pending = {};   // our unacknowledged messages: id → text
  var unseen = [];    // agent message ids not yet reported seen

  // The UI lives in a shadow root so the host page's CSS cannot reach it.
  var host = document.createElement("div");
  host.id = "switchboard-livechat";
  var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
  root.innerHTML =
    "<style>" +
    ".btn{position:fixed;right:20px;bottom:20px;z-index:2147483000;border:0;border-radius:24px;padding:12px 18px;background:#2563eb;color:#fff;font:600 14px system-ui;cursor:pointer}" +
    ".panel{position:fixed;right:20px;bottom:76px;z-index:2147483000;width:320px;max-width:calc(100vw - 40px);height:420px;display:none;flex-direction:column;background:#fff;border:1px solid #d1d5db;border-radius:12px;box-shadow:0 8px 24px rgba(0,0,0,.15);font:14px system-ui;color:#111}" +
    ".panel.open{display:flex}.log{flex:1;overflow-y:auto;padding:10px}.m{margin:6px 0;padding:8px 10px;border-radius:10px;max-width:80%;white-space:pre-wrap;word-wrap:break-word}" +
    ".in{background:#2563eb;color:#fff;margin-left:auto}.out{background:#f3f4f6}.st{font-size:11px;opacity:.7;text-align:right}" +
    ".bar{display:flex;border-top:1px solid #e5e7eb}.bar textarea{flex:1;border:0;padding:10px;resize:none;font:inherit}.bar button{border:0;background:none;color:#2563eb;font-weight:600;padding:0 14px;cursor:pointer}" +
    ".note{font-size:12px;color:#6b7280;padding:4px 10px}.note.err{color:#b91c1c}.bar .att{padding:0 10px;font-size:18px}.file{position:absolute;width:1px;height:1px;opacity:0;overflow:hidden}" +
    ".m.failed .st{color:#fecaca;opacity:1}" +
    ".fs:empty{display:none}.f{margin-top:4px}.f a{color:inherit;text-decoration:underline}.f.na{opacity:.8;font-style:italic}" +
    ".f img{display:block;max-width:100%;max-height:160px;margin-bottom:2px;border-radius:6px}" +
    ".pre{display:none;flex-direction:column;gap:6px;padding:10px;border-top:1px solid #e5e7eb}.pre.on{display:flex}.pre input{padding:8px;border:1px solid #d1d5db;border-radius:6px;font:inherit}" +
    ".pre button{border:0;border-radius:6px;padding:8px;background:#2563eb;color:#fff;font-weight:600;cursor:pointer}.bar.off{display:none}" +
    "</style>" +
    "<button class='btn' part='button'>Chat</button>" +
    "<div class='panel' role='dialog' aria-label='Chat'><div class='log' aria-live='polite'></div><div class='note'></div>" +
    "<form class='pre' aria-label='Before we start'><label class='pn'>Your name <input name='name' autocomplete='name' maxlength='200'></label>" +
    "<label class='pe'>Your email <input name='email' type='email' autocomplete='email' maxlength='320'></label><button type='submit'>Start chat</button></form>" +
    "<div class='bar'><input type='file' class='file' tabindex='-1' aria-hidden='true'><button class='att' title='Attach a file' aria-label='Attach a file'>\uD83D\uDCCE</button>" +
    "<textarea rows='2' maxlength='" + MAX + "' placeholder='Write a message…' aria-label='Message'></textarea><button class='send'>Send</button></div></div>";
  var btn = root.querySelector(".btn"), panel = root.querySelector(".panel"), log = root.querySelector(".log");
  var note = root.querySelector(".note"), input = /** @type {HTMLTextAreaElement} */ (root.querySelector("textarea")), sendBtn = root.querySelector(".bar .send");
  var attachBtn = root.querySelector(".bar .att"), fileInput = /** @type {HTMLInputElement} */ (root.querySelector(".file"));
  var pre = /** @type {HTMLFormElement & {elements: any}} */ (root.querySelector(".pre")), bar = root.querySelector(".bar");

  // askProfile shows the pre-chat form for the fields the channel asks
  // and the visitor has not answered, hiding the message bar until sent.
  function askProfile(fields, hasHistory) {
    var missing = (fields || []).filter(function (f) { return !profile[f]; });
    if (!missing.length || hasHistory) { return; }
    /** @type {HTMLElement} */ (root.querySelector(".pn")).style.display = missing.indexOf("name") >= 0 ? "" : "none";
    /** @type {HTMLElement} */ (root.querySelector(".pe")).style.display = missing.indexOf("email") >= 0 ? "" : "none";
    pre.elements.name.required = missing.indexOf("name") >= 0;
    pre.elements.email.required = missing.indexOf("email") >= 0;
    pre.classList.add("on");
    bar.classList.add("off");
  }
  pre.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var name = pre.elements.name.value.trim(), email = pre.elements.email.value.trim();
    if (name) { profile.name = name; }
    if (email) { profile.email = email; }
    try { localStorage.setItem(profileKey, JSON.stringify(profile)); } catch (err) { /* private mode */ }
    frame({ type: "profile", name: profile.name || "", email: profile.email || "" });
    pre.classList.remove("on");
    bar.classList.remove("off");
    input.focus();
  });
  var prechat = [];

  function frame(e) { if (ws && connected) { ws.send(JSON.stringify(e)); } }

  // safeLink returns a file link as an absolute URL if it is http(s) on
  // Switchboard's origin (the server sends /media/... links, resolved
  // against the origin this script came from), else "": a link never
  // leads elsewhere nor runs script (javascript:, data:).
  function safeLink(u) {
    if (typeof u !== "string" || !u) { return ""; }
    var x;
    try { x = new URL(u, origin); } catch (err) { return ""; }
    return (x.protocol === "https:" || x.protocol === "http:") && x.origin === origin ? x.href : "";
  }

  function size(n) {
    if (!(n > 0)) { return ""; }
    if (n < 1024) { return n + " B"; }
    if (n < 1024 * 1024) { return (n / 1024).toFixed(1) + " KB"; }
    return (n / 1024 / 1024).toFixed(1) + " MB";
  }

  // fileLine is one file of a message: a link that opens it (images with
  // a small preview), or, without a usable link (refused, pending), a plain
  // line saying why. Names are text, whatever markup they hold.
  function fileLine(f) {
    var line = document.createElement("div");
    line.className = "f";
    var name = "\uD83D\uDCCE " + String(f.name || "file");
    var href = safeLink(f.url);
    if (!href) {
      line.classList.add("na");
      line.textContent = name + " \u2014 " + String(f.reason || "not available");
      return line;
    }
    var a = document.createElement("a");
    a.href = href;
    a.target = "_blank";
    a.rel = "noopener";
    if (/^image\//.test(String(f.content_type || ""))) {
      var img = document.createElement("img");
      img.src = href;
      img.alt = "";
      img.loading = "lazy";
      // A type the browser cannot draw (HEIC, say) keeps just the link.
      img.addEventListener("error", function () { if (img.parentNode) { img.parentNode.removeChild(img); } });
      a.appendChild(img);
    }
    var s = size(f.size);
    a.appendChild(document.createTextNode(name + (s ? " (" + s + ")" : "")));
    line.appendChild(a);
    return line;
  }

  function show(id, direction, text, state, files) {
    var el = shown[id];
    if (!el) {
      el = document.createElement("div");
      el.className = "m " + (direction === "in" ? "in" : "out");
      el.dataset.id = id;
      el.appendChild(document.createElement("div"));
      var fs = document.createElement("div");
      fs.className = "fs";
      el.appendChild(fs);
      var st = document.createElement("div");
      st.className = "st";
      el.appendChild(st);
      log.appendChild(el);
      shown[id] = el;
      if (direction === "out") { unseen.push(id); frame({ type: "delivered", ids: [id] }); }
    }
    el.firstChild.textContent = text || "";
    if (files !== undefined) {
      // Replaced, not added to: a reconnect's history brings fresh links.
      var box = el.childNodes[1];
      while (box.firstChild) { box.removeChild(box.firstChild); }
      (Array.isArray(files) ? files : []).forEach(function (f) { if (f && typeof f === "object") { box.appendChild(fileLine(f)); } });
    }
    if (state !== undefined) { el.lastChild.textContent = state; }
    log.scrollTop = log.scrollHeight;
    reportSeen();
  }

  // Agent messages count as seen once the panel is open on a visible page.
  function reportSeen() {
    if (open && document.visibilityState === "visible" && unseen.length && connected) {
      frame({ type: "seen", ids: unseen.splice(0) });
    }
  }

  function newID() { return "c" + Date.now().toString(36) + Math.random().toString(36).slice(2, 8); }

  function send(text) {
    text = (text || "").trim();
    if (!text) { return false; }
    if (text.length > MAX) { note.textContent = "Messages are limited to " + MAX + " characters."; return false; }
    var id = newID();
    pending[id] = text;
    show(id, "in", text, "sending…");
    frame({ type: "message", id: id, text: text });
    return true;
  }

  // failed marks a message not sent and says why, on it and in the note.
  function failed(id, why) {
    var el = shown[id];
    if (el) { el.classList.add("failed"); el.lastChild.textContent = "not sent: " + why; }
    note.textContent = why;
    note.classList.add("err");
  }

  // sendFile uploads one file as a message (with optional text). Too
  // large is said before uploading; the server's refusal (a type Live Chat
  // does not take, content that is not what the name says, no session) is
  // shown as it words it. Resolves true once stored.
  function sendFile(file, text) {
    if (!file) { return Promise.resolve(false); }
    var id = newID();
    note.textContent = ""; note.classList.remove("err");
    show(id, "in", "\uD83D\uDCCE " + file.name + (text ? "\n" + text : ""), "uploading…");
    if (file.size > MAXFILE) {
      failed(id, file.name + " is larger than 25 MB.");
      return Promise.resolve(false);
    }
    if (!token) {
      failed(id, "Not connected yet; try again in a moment.");
      return Promise.resolve(false);
    }
    var form = new FormData();
    // The session first: the server checks it before storing a byte.
    form.append("token", token);
    form.append("id", id);
    if (text) { form.append("text", text); }
    form.append("file", file, file.name);
    return fetch(filesURL, { method: "POST", body: form }).then(function (r) {
      if (r.ok) { shown[id].lastChild.textContent = "sent"; return true; }
      return r.json().catch(function () { return null; }).then(function (b) {
        failed(id, (b && b.error && b.error.message) || (r.status === 413 ? file.name + " is too large." : "the file could not be sent (" + r.status + ")."));
        return false;
      });
    }, function () {
      failed(id, "the file could not be sent: no connection.");
      return false;
    });
  }

  var typingTimer, typedAt = 0;
  function onEvent(e) {
    switch (e.type) {
      case "session":
        token = e.token;
        visitorID = e.visitor_id || "";
        prechat = e.prechat || [];
        try { localStorage.setItem(storeKey, e.token); } catch (err) { /* private mode: session lasts the page */ }
        break;
      case "history":
        askProfile(prechat, (e.messages || []).length > 0);
        (e.messages || []).forEach(function (m) {
          // The server keeps our messages as lc-in-VISITOR-ID: shown under
          // our ID, a message sent before a reconnect is not shown twice.
          var id = String(m.id || ""), ours = "lc-in-" + visitorID + "-";
          if (visitorID && m.direction === "in" && id.indexOf(ours) === 0) { id = id.slice(ours.length); }
          if (m.direction === "in" && pending[id]) { return; } // resent below
          show(id, m.direction, m.text, m.direction === "in" ? "" : undefined, m.files || []);
        });
        Object.keys(pending).forEach(function (id) { frame({ type: "message", id: id, text: pending[id] }); });
        break;
      case "message":
        show(e.id, e.direction, e.text, undefined, e.files || []);
        break;
      case "ack":
        delete pending[e.id];
        if (shown[e.id]) { shown[e.id].lastChild.textContent = "sent"; }
        break;
      case "seen":
        Object.keys(shown).forEach(function (id) {
          var el = shown[id];
          if (el.classList.contains("in") && !pending[id]) { el.lastChild.textContent = "seen"; }
        });
        break;
      case "typing":
        // An agent is typing: say so for a few seconds.
        note.textContent = "Agent is typing\u2026";
        clearTimeout(typingTimer);
        typingTimer = setTimeout(function () { if (note.textContent === "Agent is typing\u2026") { note.textContent = ""; } }, 4000);
        break;
      case "error":
        if (e.code === "rate_limited") {
          // Too many chats or messages from here: say so, and wait before
          // reconnecting (the server closes a refused new session).
          limitedUntil = Date.now() + (e.retry_after || 10) * 1000;
          if (e.id && shown[e.id]) { delete pending[e.id]; shown[e.id].lastChild.textContent = "not sent: try again shortly"; }
          note.textContent = "Too many messages right now \u2014 try again shortly.";
          break;
        }
        if (e.id && shown[e.id]) { delete pending[e.id]; shown[e.id].lastChild.textContent = "not sent: " + e.message; }
        else { note.textContent = e.message; }
        break;
    }
  }

  function connect() {
    try { token = localStorage.getItem(storeKey) || token; } catch (err) { /* ignore */ }
    ws = new WebSocket(wsURL);
    ws.onopen = function () {
      connected = true; backoff = 1000; note.textContent = "";
      ws.send(JSON.stringify({ type: "hello", token: token || "", user_id: userID, user_hash: userHash,
        name: profile.name || "", email: profile.email || "" }));
      reportSeen();
    };
    ws.onmessage = function (m) { try { onEvent(JSON.parse(m.data)); } catch (err) { /* ignore bad frames */ } };
    ws.onclose = function () {
      connected = false;
      var wait = limitedUntil - Date.now();
      if (wait > 0) {
        note.textContent = "Too many messages right now \u2014 try again shortly.";
        setTimeout(connect, Math.max(wait, backoff));
      } else {
        note.textContent = "Reconnecting…";
        setTimeout(connect, backoff);
      }
      backoff = Math.min(backoff * 2, 30000);
    };
  }

  function setOpen(v) {
    open = v;
    panel.classList.toggle("open", v);
    if (v) { input.focus(); reportSeen(); }
  }
  btn.addEventListener("click", function () { setOpen(!open); });
  sendBtn.addEventListener("click", function () { if (send(input.value)) { input.value = ""; } });
  attachBtn.addEventListener("click", function () { fileInput.click(); });
  fileInput.addEventListener("change", function () {
    var f = fileInput.files && fileInput.files[0];
    fileInput.value = "";
    // Text typed so far goes with the file as its caption.
    var text = input.value.trim();
    if (f) { input.value = ""; sendFile(f, text); }
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); if (send(input.value)) { input.value = ""; } }
  });
  input.addEventListener("input", function () {
    // The agent sees the visitor typing; at most one frame every 2 s.
    var now = Date.now();
    if (input.value && now - typedAt >= 2000) { typedAt = now; frame({ type: "typing" }); }
  });
  document.addEventListener("visibilitychange", reportSeen);

  function start() { document.body.appendChild(host); connect(); }
  if (document.body) { start(); } else { document.addEventListener("DOMContentLoaded", start); }

  // A small API for the host page (and tests).
  /** @type {any} */ (window).SwitchboardChat = {
    open: function () { setOpen(true); },
    close: function () { setOpen(false); },
    send: send,
    sendFile: sendFile,
    status: function () { return note.textContent; },
    messages: function () {
      return Object.keys(shown).map(function (id) {
        var el = shown[id];
        var files = Array.prototype.map.call(el.childNodes[1].childNodes, function (line) {
          var a = line.querySelector("a"), img = line.querySelector("img");
          return { text: line.textContent, href: a ? a.href : "", rel: a ? a.rel : "", target: a ? a.target : "", preview: img ? img.src : "" };
        });
        return { id: id, direction: el.classList.contains("in") ? "in" : "out", text: el.firstChild.textContent, files: files, state: el.lastChild.textContent };
      });
    }
  };
})();
