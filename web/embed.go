// Package web embeds the built web workspace (web/dist, produced by the
// Makefile's web target) so the binary serves it.
package web

import (
	"embed"
	"io/fs"
	"path"
)

//go:embed all:dist
var dist embed.FS

// Assets returns the built workspace, or nil when the binary was built
// without it (then only the API is served).
func Assets() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		return nil
	}
	if _, err := fs.Stat(sub, "index.html"); err != nil {
		return nil
	}
	return sub
}

// Embedded returns one of the scripts the binary serves outside the
// workspace, which the web build writes to dist/embedded
// (scripts/build-embedded.mjs): "widget.js", the Live Chat widget, and
// "call.js", the call link page's script. It reports false when the
// binary was built without the web build (dist holds only .keep).
func Embedded(name string) ([]byte, bool) {
	if path.Base(name) != name {
		return nil, false // a file of dist/embedded, nothing elsewhere
	}
	b, err := fs.ReadFile(dist, path.Join("dist/embedded", name))
	if err != nil {
		return nil, false
	}
	return b, true
}
