import { writeFileSync } from 'node:fs'
import { defineConfig, type Plugin } from 'vite'
import vue from '@vitejs/plugin-vue'

// keepFile restores dist/.keep after Vite empties dist: git tracks it so that
// web/embed.go's `go:embed all:dist` compiles before the UI is built.
const keepFile: Plugin = {
  name: 'switchboard-keep-file',
  closeBundle() {
    writeFileSync(new URL('./dist/.keep', import.meta.url), '')
  },
}

// The build lands in web/dist, which web/embed.go embeds into the binary.
// During `npm run dev`, API calls go to a local `switchboard serve`.
export default defineConfig({
  plugins: [vue(), keepFile],
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: false },
  // ws: the live feed (/api/v1/ws) goes through the proxy too.
  server: { proxy: { '/api': { target: 'http://127.0.0.1:8080', ws: true } } },
})
