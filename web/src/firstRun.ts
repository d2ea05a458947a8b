// First run (issue 20): the setup link serve prints creates the first
// admin and the organisation; the getting-started checklist follows.
import { request, type LoginResult } from './api'
import { session } from './session'

export interface Organisation {
  name: string
  phone_region: string
}

export interface SetupInput {
  token: string
  name: string
  email: string
  password: string
  organisation: string
  phone_region: string
}

export const firstRunApi = {
  state: () => request<{ needed: boolean }>('GET', '/setup'),
  /** undefined (204) when no organisation was named (set up with `user create`). */
  organisation: () => request<Organisation | undefined>('GET', '/organisation'),
}

/** setup creates the first admin and signs them in. */
export async function setup(input: SetupInput): Promise<void> {
  const res = await request<LoginResult & { organisation: Organisation }>('POST', '/setup', input)
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
