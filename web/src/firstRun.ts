// First run (issue 20): the setup link serve prints creates the first
// admin and the organisation; the getting-started checklist follows.
import { request } from './api'
import type { components } from './openapi.gen'
import { session } from './session'

export type Organisation = components['schemas']['Organisation']

export type SetupInput = components['schemas']['SetupRequest']

export const firstRunApi = {
  state: () => request<components['schemas']['SetupState']>('GET', '/setup'),
  /** undefined (204) when no organisation was named (set up with `user create`). */
  organisation: () => request<Organisation | undefined>('GET', '/organisation'),
}

/** setup creates the first admin and signs them in. */
export async function setup(input: SetupInput): Promise<void> {
  const res = await request<components['schemas']['SetupResult']>('POST', '/setup', input)
  session.agent = res.agent
  session.checked = true
  session.notice = ''
}

/** countries lists ISO 3166 codes with their English names, from the
 * browser's own data (Intl.DisplayNames), sorted by name. */
export function countries(): { code: string; name: string }[] {
  const names = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' })
  const out: { code: string; name: string }[] = []
  const A = 65
  for (let i = 0; i < 26; i++)
    for (let j = 0; j < 26; j++) {
      const code = String.fromCharCode(A + i, A + j)
      const name = names.of(code)
      // Skip groupings and the private-use codes (EU, UN, QO, XA…).
      if (name && name !== code && !/^(EU|EZ|UN|QO|XA|XB|XK|ZZ)$/.test(code)) out.push({ code, name })
    }
  return out.sort((a, b) => a.name.localeCompare(b.name))
}
