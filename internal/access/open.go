package access

// Open are the store's operations open to every authenticated actor, each
// scoped by the store itself where it must be (an agent reads and writes
// only conversations of their queues; the server's own work, such as
// ingesting or recording dead letters, is refused to users there). Guard
// lets them through unchanged. Every operation of Store is in exactly one
// of Rules, DataRules and Open (access_test.go), so a new operation needs
// a decision.
var Open = []string{
	"AbandonIdempotent", "ApplyReaction", "ApplyReceipt", "ApplyWatermark", "AssignConversation",
	"AutoAssign", "BeginIdempotent", "BeginTwoFactor", "ChangeContactAddress", "ClaimMediaJobs",
	"ClaimSendJobs", "Close", "CompleteSetup", "ConfirmTwoFactor", "CountQueues", "CreateAuditEntry",
	"CreateConversation", "CreateCustomer", "CreateDeadLetter", "CreateInternalConversation",
	"CreateMessage", "CreateSession", "DeleteAgentSessions", "DeleteDraft", "DeletePushSubscription",
	"DeleteSession", "DeleteTwoFactor", "EndCall", "ExpireInactiveAgents", "FailedReplyConversation",
	"FillPreviews", "FindAgentByEmail", "FindAgentByID", "FindAgents", "FindAttachmentByID",
	"FindCalendarByID", "FindCalendars", "FindCallByID", "FindChannelSummaries", "FindConversationByID",
	"FindConversationRow", "FindConversationRows",
	"FindConversations", "FindConversationsWithoutReportFact", "FindConversationsWithoutSLA",
	"FindCustomStatuses", "FindCustomerByContact", "FindCustomerByID", "FindCustomerConversations",
	"FindCustomers", "FindDefaultQueue", "FindDraft", "FindEvents", "FindFormByID", "FindForms",
	"FindIntegrationTokenByHash", "FindLiveCalls", "FindMacroByID", "FindMacros", "FindMessages",
	"FindNotifications", "FindOpenConversationsForSLA", "FindOptOut", "FindOrganisation",
	"FindOutOfHours", "FindOutOfHoursQueues", "FindPushSubscriptions", "FindQueueByID",
	"FindQueues", "FindRoutingRules", "FindSLADue", "FindSLAPolicies", "FindSLAPolicyQueues",
	"FindSLAStatus", "FindSLAStatuses", "FindSessionByTokenHash", "FindTags", "FindTemplateByID",
	"FindTemplates", "FindTransferPolicy", "FindTwoFactor", "FindTwoFactorPolicy", "FindWrapUps", "Generation",
	"FinishIdempotent", "FinishMediaJob", "FinishSendJobs", "HandOffConversation", "IngestMessage",
	"IsPhoneContact", "JournalSendJobs", "LastInboundAt", "LinkConversation", "LoadOutOfHours",
	"FindReplyContext", "LoadSLAInput", "MarkAllNotificationsRead", "MarkNotificationRead", "Ping", "QueueCalendarID",
	"RecordCallEvent", "RefreshReportFact", "RefreshReportFacts", "ReindexSearch", "RollUpReportFacts",
	"SaveCall", "SaveDraft", "SavePushSubscription", "SaveSLAStatus", "Search", "SearchInConversation",
	"SendDraft", "SendOutOfHoursReply", "SetCallState", "SetOptOut", "SetupNeeded", "StartConversation",
	"StoreEcho", "TouchAgent", "TouchSession", "TransferConversation", "UnassignConversation",
	"UpdateConversation", "UpdateCustomer", "UseRecoveryCode", "UseTwoFactorStep",
	"VAPIDKey",
}
