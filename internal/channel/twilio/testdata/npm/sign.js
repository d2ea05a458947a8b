// Test-only bridge to Twilio's official helper library (twilio on npm).
// Reads one JSON request per line on stdin and answers one JSON line:
//   {"op":"sign","token","url","params"}                 -> {"signature"}
//   {"op":"validate","token","signature","url","params"} -> {"valid"}
// sign uses getExpectedTwilioSignature, what Twilio's servers compute;
// validate uses validateRequest, Twilio's own check of a webhook.
const twilio = require("twilio");
const readline = require("readline");
const rl = readline.createInterface({ input: process.stdin });
rl.on("line", (line) => {
  const r = JSON.parse(line);
  let out;
  if (r.op === "sign") {
    out = { signature: twilio.getExpectedTwilioSignature(r.token, r.url, r.params) };
  } else {
    out = { valid: twilio.validateRequest(r.token, r.signature, r.url, r.params) };
  }
  process.stdout.write(JSON.stringify(out) + "\n");
});
