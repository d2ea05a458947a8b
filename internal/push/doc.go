// Package push sends Web Push notifications (A7, A9) to the workspace
// installed on phones: payloads encrypted per RFC 8291 (aes128gcm), the
// server identified per RFC 8292 (VAPID), delivered through the phone
// browser's own push service. A push service answering 404 or 410 means
// the subscription is gone: the phone is really gone, and the agent goes
// Offline.
package push
