// Location messages (D7). The server stores a shared place as the
// message's text, "Name (lat, lon)" or "(lat, lon)" as the channel
// adapters write it; the thread shows the coordinates and a link to
// OpenStreetMap (a plain link: no third-party map is embedded).

export interface Place {
  name: string
  lat: number
  lon: number
}

const tail = /\(\s*(-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)\s*,\s*(-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)\s*\)\s*$/i

/** parsePlace reads a location message's text; null when it holds no valid coordinates. */
export function parsePlace(text: string): Place | null {
  const m = tail.exec(text)
  if (!m) return null
  const lat = Number(m[1])
  const lon = Number(m[2])
  if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) return null
  return { name: text.slice(0, m.index).trim(), lat, lon }
}

/** osmURL links to the place on openstreetmap.org; numbers only, so nothing to escape. */
export function osmURL(p: Place): string {
  return `https://www.openstreetmap.org/?mlat=${p.lat}&mlon=${p.lon}#map=16/${p.lat}/${p.lon}`
}
