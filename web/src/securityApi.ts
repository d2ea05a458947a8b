// Typed calls of the account and security screens: password change, 2FA
// enrollment (QR code, recovery codes), the 2FA policy per role and the
// audit log.
import { request, type ID, type Page, type Role } from './api'

export interface TwoFactorStatus {
  enabled: boolean
  required: boolean
  recovery_codes_left: number
}
export interface Enrollment {
  secret: string
  uri: string
  qr_code: string
}
export interface AuditEntry {
  id: ID
  type: string
  actor_id: ID | null
  agent_id: ID | null
  ip: string
  detail: Record<string, unknown> | null
  created_at: string
}

export const auditTypes = [
  'login_succeeded', 'login_failed', 'login_throttled', 'logout', 'session_revoked', 'totp_enrolled', 'totp_disabled',
  'recovery_code_used', 'totp_policy_changed', 'role_changed', 'password_changed', 'token_created', 'token_deleted',
] as const

export const securityApi = {
  changePassword: (current: string, next: string) => request<void>('PUT', '/me/password', { current_password: current, new_password: next }),
  twoFactor: () => request<TwoFactorStatus>('GET', '/auth/totp'),
  enroll: () => request<Enrollment>('POST', '/auth/totp/enroll'),
  confirm: (code: string) => request<{ recovery_codes: string[] }>('POST', '/auth/totp/confirm', { code }),
  disable: (code: string) => request<void>('POST', '/auth/totp/disable', { code }),
  policy: () => request<{ required_roles: Role[] }>('GET', '/settings/two-factor'),
  setPolicy: (roles: Role[]) => request<{ required_roles: Role[] }>('PUT', '/settings/two-factor', { required_roles: roles }),
  audit: (q: { type?: string; agent_id?: ID; cursor?: string; limit?: number }) => request<Page<AuditEntry>>('GET', '/audit', undefined, q),
}
