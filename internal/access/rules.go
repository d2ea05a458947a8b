package access

import "github.com/switchboard-cc/switchboard/internal/desk"

// Rules is who may do what: each store operation that needs more than an
// authenticated actor, with the least role that may call it. The system
// actor (the server's own work) passes every rule. Guard enforces it
// (guarded.go); the operations whose rule depends on the row they touch
// are in DataRules, every other operation of Store in Open (open.go).
var Rules = map[string]desk.Role{
	// Agents and sign-in.
	"CreateAgent":           desk.RoleAdmin,
	"UpdateTwoFactorPolicy": desk.RoleAdmin,
	// Integration tokens act for their creator: only admins manage them.
	"CreateIntegrationToken": desk.RoleAdmin,
	"FindIntegrationTokens":  desk.RoleAdmin,
	"DeleteIntegrationToken": desk.RoleAdmin,
	// Channels hold providers' credentials.
	"CreateChannel":       desk.RoleAdmin,
	"FindChannelByID":     desk.RoleAdmin,
	"FindChannelBySender": desk.RoleAdmin,
	"FindChannels":        desk.RoleAdmin,
	"UpdateChannel":       desk.RoleAdmin,
	"DeleteChannel":       desk.RoleAdmin,
	"FindDeadLetters":     desk.RoleAdmin,
	// Context cards call external URLs with their own headers.
	"CreateCard":   desk.RoleAdmin,
	"FindCardByID": desk.RoleAdmin,
	"FindCards":    desk.RoleAdmin,
	"UpdateCard":   desk.RoleAdmin,
	"DeleteCard":   desk.RoleAdmin,
	// Data protection and the audit log.
	"EraseCustomer":         desk.RoleAdmin,
	"ExportCustomer":        desk.RoleAdmin,
	"SetRetentionPolicy":    desk.RoleAdmin,
	"FindRetentionPolicies": desk.RoleAdmin,
	"ApplyRetention":        desk.RoleAdmin,
	"FindAuditEntries":      desk.RoleAdmin,

	// Queues and their members.
	"CreateQueue":       desk.RoleSupervisor,
	"UpdateQueue":       desk.RoleSupervisor,
	"DeleteQueue":       desk.RoleSupervisor,
	"AddQueueMember":    desk.RoleSupervisor,
	"RemoveQueueMember": desk.RoleSupervisor,
	// Routing, SLA and out-of-hours settings.
	"CreateRoutingRule":    desk.RoleSupervisor,
	"UpdateRoutingRule":    desk.RoleSupervisor,
	"DeleteRoutingRule":    desk.RoleSupervisor,
	"CreateCalendar":       desk.RoleSupervisor,
	"UpdateCalendar":       desk.RoleSupervisor,
	"DeleteCalendar":       desk.RoleSupervisor,
	"SetQueueCalendar":     desk.RoleSupervisor,
	"CreateSLAPolicy":      desk.RoleSupervisor,
	"DeleteSLAPolicy":      desk.RoleSupervisor,
	"SetOutOfHours":        desk.RoleSupervisor,
	"UpdateTransferPolicy": desk.RoleSupervisor,
	// The workspace's shared vocabulary: statuses, tags, templates,
	// macros, forms.
	"CreateCustomStatus": desk.RoleSupervisor,
	"UpdateCustomStatus": desk.RoleSupervisor,
	"DeleteCustomStatus": desk.RoleSupervisor,
	"CreateTag":          desk.RoleSupervisor,
	"DeleteTag":          desk.RoleSupervisor,
	"CreateTemplate":     desk.RoleSupervisor,
	"UpdateTemplate":     desk.RoleSupervisor,
	"DeleteTemplate":     desk.RoleSupervisor,
	"CreateMacro":        desk.RoleSupervisor,
	"UpdateMacro":        desk.RoleSupervisor,
	"DeleteMacro":        desk.RoleSupervisor,
	"CreateForm":         desk.RoleSupervisor,
	"UpdateForm":         desk.RoleSupervisor,
	"DeleteForm":         desk.RoleSupervisor,
	// Reports, utilization, the wallboard and duplicate customers read
	// across every queue and agent.
	"FindReportFacts":        desk.RoleSupervisor,
	"FindReportCells":        desk.RoleSupervisor,
	"ReportRollupsReady":     desk.RoleSupervisor,
	"Utilization":            desk.RoleSupervisor,
	"Activity":               desk.RoleSupervisor,
	"WallboardData":          desk.RoleSupervisor,
	"FindDuplicateCustomers": desk.RoleSupervisor,
}

// DataRules are the operations whose rule depends on the request and the
// row it touches (agent.go): who may change which fields of which agent,
// and whose status.
var DataRules = []string{"UpdateAgent", "SetAgentStatus"}
