package livechat

import _ "embed"

// WidgetJS is the embeddable widget served at GET /widget.js:
//
//	<script src="https://desk.example.com/widget.js" data-channel="CHANNEL_ID" async></script>
//
// It needs no build step and no dependencies; see widget.js.
//
//go:embed widget.js
var WidgetJS []byte
