package app

import (
	"log/slog"

	"github.com/switchboard-cc/switchboard/web"
)

// webScripts returns the scripts the web build makes for pages outside
// the workspace: the Live Chat widget (/widget.js) and the call link
// page's script (/call/app.js). A binary built without the web build has
// neither: it says so once at start, and those routes answer 503
// web_not_built.
func webScripts(logger *slog.Logger) (widget, callScript []byte) {
	widget, _ = web.Embedded("widget.js")
	callScript, _ = web.Embedded("call.js")
	if widget == nil || callScript == nil {
		logger.Warn("built without the web build: /widget.js and /call/app.js answer 503 web_not_built; build with `make build`")
	}
	return widget, callScript
}
