// Switchboard Live Chat widget. Embed with
//   <script src="https://DESK/widget.js" data-channel="CHANNEL_ID" async></script>
// It opens a WebSocket to DESK/api/v1/livechat/CHANNEL_ID/ws, keeps the
// visitor's signed session token in localStorage (so the chat survives
// reloads), resends unacknowledged messages after a reconnect (same IDs:
// the server stores each once) and sends delivered/seen receipts. Files go
// to DESK/api/v1/livechat/CHANNEL_ID/files with the session token; the
// server sniffs them and holds them to Live Chat's limits (D3/D4), and its
// refusal is shown on the file's message.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.dataset.channel) { return; }
  var channel = script.dataset.channel;
  var origin = new URL(script.src, location.href).origin;
  var wsURL = origin.replace(/^http/, "ws") + "/api/v1/livechat/" + encodeURIComponent(channel) + "/ws";
  var filesURL = origin + "/api/v1/livechat/" + encodeURIComponent(channel) + "/files";
  var storeKey = "switchboard-livechat-" + channel;
  var MAX = 4096;
  var MAXFILE = 25 * 1024 * 1024; // Live Chat's file limit (D3's 25 MB)
  var token = null; // the visitor's session, also kept in localStorage

  var ws = null, backoff = 1000, open = false, connected = false;
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
    "</style>" +
    "<button class='btn' part='button'>Chat</button>" +
    "<div class='panel' role='dialog' aria-label='Chat'><div class='log' aria-live='polite'></div><div class='note'></div>" +
    "<div class='bar'><input type='file' class='file' tabindex='-1' aria-hidden='true'><button class='att' title='Attach a file' aria-label='Attach a file'>\uD83D\uDCCE</button>" +
    "<textarea rows='2' maxlength='" + MAX + "' placeholder='Write a message…' aria-label='Message'></textarea><button class='send'>Send</button></div></div>";
  var btn = root.querySelector(".btn"), panel = root.querySelector(".panel"), log = root.querySelector(".log");
  var note = root.querySelector(".note"), input = root.querySelector("textarea"), sendBtn = root.querySelector(".bar .send");
  var attachBtn = root.querySelector(".bar .att"), fileInput = root.querySelector(".file");

  function frame(e) { if (ws && connected) { ws.send(JSON.stringify(e)); } }

  function show(id, direction, text, state) {
    var el = shown[id];
    if (!el) {
      el = document.createElement("div");
      el.className = "m " + (direction === "in" ? "in" : "out");
      el.dataset.id = id;
      el.appendChild(document.createElement("div"));
      var st = document.createElement("div");
      st.className = "st";
      el.appendChild(st);
      log.appendChild(el);
      shown[id] = el;
      if (direction === "out") { unseen.push(id); frame({ type: "delivered", ids: [id] }); }
    }
    el.firstChild.textContent = text;
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
        try { localStorage.setItem(storeKey, e.token); } catch (err) { /* private mode: session lasts the page */ }
        break;
      case "history":
        (e.messages || []).forEach(function (m) { show(m.id, m.direction, m.text, m.direction === "in" ? "" : undefined); });
        Object.keys(pending).forEach(function (id) { frame({ type: "message", id: id, text: pending[id] }); });
        break;
      case "message":
        show(e.id, e.direction, e.text);
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
      ws.send(JSON.stringify({ type: "hello", token: token || "" }));
      reportSeen();
    };
    ws.onmessage = function (m) { try { onEvent(JSON.parse(m.data)); } catch (err) { /* ignore bad frames */ } };
    ws.onclose = function () {
      connected = false;
      note.textContent = "Reconnecting…";
      setTimeout(connect, backoff);
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
  window.SwitchboardChat = {
    open: function () { setOpen(true); },
    close: function () { setOpen(false); },
    send: send,
    sendFile: sendFile,
    status: function () { return note.textContent; },
    messages: function () {
      return Object.keys(shown).map(function (id) {
        var el = shown[id];
        return { id: id, direction: el.classList.contains("in") ? "in" : "out", text: el.firstChild.textContent, state: el.lastChild.textContent };
      });
    }
  };
})();
