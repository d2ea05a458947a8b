// The call link page (I5): one WebRTC peer connection to Switchboard's
// media hub, negotiated with one request once ICE gathering completes.
// window.switchboardCall exposes the state and packet counters for tests.
(() => {
  'use strict';
  const app = document.getElementById('app');
  const token = app.dataset.token;
  const statusEl = document.getElementById('status');
  const callBtn = document.getElementById('call');
  const hangupBtn = document.getElementById('hangup');
  const labels = { queued: 'Waiting for an agent…', ringing: 'Ringing…', in_call: 'Connected', on_hold: 'On hold', ended: 'Call ended' };
  const state = { callId: '', state: 'idle', error: '' };
  /** @type {any} */ (window).switchboardCall = state;
  let pc = null;
  let poll = null;

  const show = (s) => { state.state = s; statusEl.textContent = labels[s] || s; };

  async function api(path, body) {
    const res = await fetch(`/call/${token}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = await res.json();
    if (!res.ok) throw new Error(data.error ? data.error.message : res.statusText);
    return data;
  }

  function gathered(conn) {
    if (conn.iceGatheringState === 'complete') return Promise.resolve();
    return new Promise((resolve) => {
      conn.addEventListener('icegatheringstatechange', () => { if (conn.iceGatheringState === 'complete') resolve(); });
      setTimeout(resolve, 3000); // use what was gathered
    });
  }

  function finish() {
    clearInterval(poll);
    if (pc) pc.close();
    pc = null;
    show('ended');
    callBtn.hidden = false;
    hangupBtn.hidden = true;
  }

  // stats counts the RTP packets of the connection, both ways.
  state.stats = async () => {
    const out = { sent: 0, received: 0 };
    if (!pc) return out;
    (await pc.getStats()).forEach((r) => {
      if (r.type === 'outbound-rtp' && r.kind === 'audio') out.sent += r.packetsSent;
      if (r.type === 'inbound-rtp' && r.kind === 'audio') out.received += r.packetsReceived;
    });
    return out;
  };

  callBtn.addEventListener('click', async () => {
    callBtn.hidden = true;
    statusEl.textContent = 'Connecting…';
    try {
      const mic = await navigator.mediaDevices.getUserMedia({ audio: true });
      pc = new RTCPeerConnection({ iceServers: JSON.parse(document.getElementById('app').dataset.ice || '[]') });
      mic.getTracks().forEach((t) => pc.addTrack(t, mic));
      pc.ontrack = (e) => { /** @type {HTMLMediaElement} */ (document.getElementById('remote')).srcObject = e.streams[0] || new MediaStream([e.track]); };
      await pc.setLocalDescription(await pc.createOffer());
      await gathered(pc);
      const res = await api('/offer', { sdp: pc.localDescription.sdp });
      await pc.setRemoteDescription({ type: 'answer', sdp: res.sdp });
      state.callId = res.call_id;
      show(res.state);
      hangupBtn.hidden = false;
      poll = setInterval(async () => {
        try {
          const s = await api(`/calls/${state.callId}`);
          if (s.state === 'ended') finish(); else show(s.state);
        } catch (e) { /* keep polling */ }
      }, 1000);
    } catch (e) {
      state.error = String(e.message || e);
      statusEl.textContent = `The call failed: ${state.error}`;
      callBtn.hidden = false;
    }
  });

  hangupBtn.addEventListener('click', async () => {
    try { await api(`/calls/${state.callId}/hangup`, {}); } finally { finish(); }
  });
})();
