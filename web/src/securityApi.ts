// Typed calls of the account and security screens: password change, 2FA
// enrollment (QR code, recovery codes), the 2FA policy per role and the
// audit log.
import { request, type ID, type Page, type Role } from './api'
import { auditEntryTypeValues, type components } from './openapi.gen'

type schemas = components['schemas']

export type TwoFactorStatus = schemas['TwoFactorStatus']
export type Enrollment = schemas['TOTPEnrollment']
export type AuditEntry = schemas['AuditEntry']

/** The audit log's event types, in the OpenAPI document's order. */
export const auditTypes = auditEntryTypeValues

export const securityApi = {
  changePassword: (current: string, next: string) => request<void>('PUT', '/me/password', { current_password: current, new_password: next }),
  twoFactor: () => request<TwoFactorStatus>('GET', '/auth/totp'),
  enroll: () => request<Enrollment>('POST', '/auth/totp/enroll'),
  confirm: (code: string) => request<schemas['TOTPConfirmation']>('POST', '/auth/totp/confirm', { code }),
  disable: (code: string) => request<void>('POST', '/auth/totp/disable', { code }),
  policy: () => request<schemas['TwoFactorPolicy']>('GET', '/settings/two-factor'),
  setPolicy: (roles: Role[]) => request<schemas['TwoFactorPolicy']>('PUT', '/settings/two-factor', { required_roles: roles }),
  audit: (q: { type?: string; agent_id?: ID; cursor?: string; limit?: number }) => request<Page<AuditEntry>>('GET', '/audit', undefined, q),
}
