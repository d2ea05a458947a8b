// Builds the scripts the binary serves outside the workspace, after
// `vite build` (which empties dist): each is one self-contained, minified
// IIFE in dist/embedded, which web/embed.go's Embedded hands to the server.
//   widget.js  the Live Chat widget any site embeds, served at /widget.js
//   call.js    the call link page's script, served at /call/app.js
// One Vite library build per script: IIFE output takes one entry.
//   node scripts/build-embedded.mjs
import { build } from 'vite'

const root = new URL('..', import.meta.url).pathname
const scripts = [
  { name: 'SwitchboardWidget', entry: 'embedded/widget.ts', file: 'widget.js' },
  { name: 'SwitchboardCallPage', entry: 'embedded/callPage.ts', file: 'call.js' },
]
for (const s of scripts) {
  await build({
    root,
    configFile: false, // not vite.config.ts: no Vue, and dist must not be emptied
    publicDir: false,
    logLevel: 'warn',
    build: {
      outDir: 'dist/embedded',
      emptyOutDir: false,
      // Any site's visitors load the widget: browsers from 2017 on.
      target: 'es2017',
      minify: true,
      sourcemap: false,
      lib: { entry: s.entry, name: s.name, formats: ['iife'], fileName: () => s.file },
      // ASCII only (non-ASCII text as \u escapes): a page or proxy that
      // loads the script without its charset still shows 📎, — and … right.
      // Strict, as the TypeScript modules they come from are.
      rolldownOptions: { output: { strict: true, minify: { compress: true, mangle: true, codegen: { asciiOnly: true } } } },
    },
  })
  console.log(`built dist/embedded/${s.file}`)
}
