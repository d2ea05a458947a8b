package http

import (
	"net/http"

	"github.com/switchboard-cc/switchboard/internal/call"
	"github.com/switchboard-cc/switchboard/internal/voice"
)

// handlerFunc is a handler that returns its error for central rendering.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// route is one entry of the API. The table is the single source the mux
// and the OpenAPI conformance test read.
type route struct {
	Method  string
	Path    string
	Access  int
	Handler handlerFunc
}

// routes lists every route the server serves (besides the web assets).
func (s *Server) routes() []route {
	return []route{
		{"GET", "/healthz", accessPublic, s.handleHealthz},
		{"GET", "/readyz", accessPublic, s.handleReadyz},
		{"GET", "/metrics", accessPublic, s.handleMetrics},
		{"GET", "/api/v1/openapi.json", accessPublic, s.handleOpenAPI},

		{"POST", "/api/v1/auth/login", accessPublic, s.handleLogin},
		{"GET", "/api/v1/auth/session", accessPublic, s.handleSession},
		{"GET", "/api/v1/setup", accessPublic, s.handleSetupGet},
		{"POST", "/api/v1/setup", accessPublic, s.handleSetup},
		{"GET", "/api/v1/organisation", accessAgent, s.handleOrganisation},
		{"POST", "/api/v1/auth/logout", accessEnroll, s.handleLogout},
		{"GET", "/api/v1/auth/totp", accessEnroll, s.handleTOTPStatus},
		{"POST", "/api/v1/auth/totp/enroll", accessEnroll, s.handleTOTPEnroll},
		{"POST", "/api/v1/auth/totp/confirm", accessEnroll, s.handleTOTPConfirm},
		{"POST", "/api/v1/auth/totp/disable", accessAgent, s.handleTOTPDisable},
		{"GET", "/api/v1/me", accessEnroll, s.handleMe},
		{"PUT", "/api/v1/me/status", accessAgent, s.handleMeStatus},
		{"POST", "/api/v1/me/heartbeat", accessAgent, s.handleMeHeartbeat},
		{"GET", "/api/v1/push/key", accessAgent, s.handlePushKey},
		{"PUT", "/api/v1/me/push", accessAgent, s.handlePushSubscribe},
		{"DELETE", "/api/v1/me/push", accessAgent, s.handlePushUnsubscribe},
		{"GET", "/api/v1/ws", accessAgent, s.handleWS},
		{"PUT", "/api/v1/me/password", accessAgent, s.handleMePassword},

		{"GET", "/api/v1/agents", accessAgent, s.handleAgentList},
		{"POST", "/api/v1/agents", accessAgent, s.handleAgentCreate},
		{"GET", "/api/v1/agents/{id}", accessAgent, s.handleAgentGet},
		{"PATCH", "/api/v1/agents/{id}", accessAgent, s.handleAgentUpdate},
		{"PUT", "/api/v1/agents/{id}/status", accessAgent, s.handleAgentStatus},

		{"GET", "/api/v1/statuses", accessAgent, s.handleStatusList},
		{"POST", "/api/v1/statuses", accessAgent, s.handleStatusCreate},
		{"PATCH", "/api/v1/statuses/{id}", accessAgent, s.handleStatusUpdate},
		{"DELETE", "/api/v1/statuses/{id}", accessAgent, s.handleStatusDelete},
		{"GET", "/api/v1/reports/utilization", accessAgent, s.handleUtilization},

		{"GET", "/api/v1/routing-rules", accessAgent, s.handleRoutingRuleList},
		{"POST", "/api/v1/routing-rules", accessAgent, s.handleRoutingRuleCreate},
		{"PATCH", "/api/v1/routing-rules/{id}", accessAgent, s.handleRoutingRuleUpdate},
		{"DELETE", "/api/v1/routing-rules/{id}", accessAgent, s.handleRoutingRuleDelete},
		{"DELETE", "/api/v1/agents/{id}/totp", accessAgent, s.handleAgentTOTPReset},

		{"GET", "/api/v1/settings/two-factor", accessAgent, s.handleTwoFactorPolicyGet},
		{"PUT", "/api/v1/settings/two-factor", accessAgent, s.handleTwoFactorPolicyUpdate},
		{"GET", "/api/v1/settings/external-transfer", accessAgent, s.handleTransferPolicyGet},
		{"PUT", "/api/v1/settings/external-transfer", accessAgent, s.handleTransferPolicyUpdate},
		{"GET", "/api/v1/audit", accessAgent, s.handleAuditList},

		{"GET", "/api/v1/queues", accessAgent, s.handleQueueList},
		{"POST", "/api/v1/queues", accessAgent, s.handleQueueCreate},
		{"GET", "/api/v1/queues/{id}", accessAgent, s.handleQueueGet},
		{"PATCH", "/api/v1/queues/{id}", accessAgent, s.handleQueueUpdate},
		{"DELETE", "/api/v1/queues/{id}", accessAgent, s.handleQueueDelete},
		{"GET", "/api/v1/queues/{id}/hold-music", accessAgent, s.handleHoldMusicGet},
		{"PUT", "/api/v1/queues/{id}/hold-music", accessAgent, s.handleHoldMusicPut},
		{"DELETE", "/api/v1/queues/{id}/hold-music", accessAgent, s.handleHoldMusicDelete},
		{"GET", "/api/v1/queues/{id}/hold-announcement", accessAgent, s.handleAnnouncementGet},
		{"PUT", "/api/v1/queues/{id}/hold-announcement", accessAgent, s.handleAnnouncementPut},
		{"DELETE", "/api/v1/queues/{id}/hold-announcement", accessAgent, s.handleAnnouncementDelete},
		{"PUT", "/api/v1/queues/{id}/members/{agent_id}", accessAgent, s.handleQueueMemberAdd},
		{"DELETE", "/api/v1/queues/{id}/members/{agent_id}", accessAgent, s.handleQueueMemberRemove},

		{"GET", "/api/v1/customers", accessAgent, s.handleCustomerList},
		{"POST", "/api/v1/customers", accessAgent, s.handleCustomerCreate},
		{"GET", "/api/v1/customers/duplicates", accessAgent, s.handleCustomerDuplicates},
		{"GET", "/api/v1/customers/{id}", accessAgent, s.handleCustomerGet},
		{"PATCH", "/api/v1/customers/{id}", accessAgent, s.handleCustomerUpdate},
		{"POST", "/api/v1/customers/{id}/merge", accessAgent, s.handleCustomerMerge},
		{"GET", "/api/v1/customers/{id}/conversations", accessAgent, s.handleCustomerHistory},
		{"POST", "/api/v1/customers/{id}/erase", accessAgent, s.handleCustomerErase},
		{"POST", "/api/v1/customers/{id}/export", accessAgent, s.handleCustomerExport},
		{"GET", "/api/v1/retention", accessAgent, s.handleRetention},
		{"PUT", "/api/v1/queues/{id}/retention", accessAgent, s.handleQueueRetention},
		{"PUT", "/api/v1/conversations/{id}/customer", accessAgent, s.handleConversationLink},
		{"DELETE", "/api/v1/conversations/{id}/customer", accessAgent, s.handleConversationUnlink},

		{"GET", "/api/v1/conversations", accessAgent, s.handleConversationList},
		{"POST", "/api/v1/conversations", accessAgent, s.handleConversationCreate},
		{"POST", "/api/v1/internal-conversations", accessAgent, s.handleInternalConversationCreate},
		{"GET", "/api/v1/conversations/{id}", accessAgent, s.handleConversationGet},
		{"GET", "/api/v1/conversations/{id}/opt-out", accessAgent, s.handleConversationOptOut},
		{"PATCH", "/api/v1/conversations/{id}", accessAgent, s.handleConversationUpdate},
		{"POST", "/api/v1/conversations/{id}/assign", accessAgent, s.handleConversationAssign},
		{"POST", "/api/v1/conversations/{id}/unassign", accessAgent, s.handleConversationUnassign},
		{"POST", "/api/v1/conversations/{id}/transfer", accessAgent, s.handleConversationTransfer},
		{"POST", "/api/v1/conversations/{id}/handoff", accessAgent, s.handleConversationHandoff},
		{"GET", "/api/v1/conversations/{id}/messages", accessAgent, s.handleMessageList},
		{"POST", "/api/v1/conversations/{id}/messages", accessAgent, s.handleMessageCreate},
		{"GET", "/api/v1/conversations/{id}/events", accessAgent, s.handleEventList},
		{"GET", "/api/v1/conversations/{id}/senders", accessAgent, s.handleConversationSenders},
		{"GET", "/api/v1/senders", accessAgent, s.handleNewConversationSenders},
		{"POST", "/api/v1/sms/segments", accessAgent, s.handleSMSSegments},
		{"GET", "/api/v1/conversations/{id}/search", accessAgent, s.handleConversationSearch},

		{"GET", "/api/v1/search", accessAgent, s.handleSearch},
		{"POST", "/api/v1/conversations/{id}/merge", accessAgent, s.handleConversationMerge},
		{"GET", "/api/v1/conversations/{id}/draft", accessAgent, s.handleDraftGet},
		{"PUT", "/api/v1/conversations/{id}/draft", accessAgent, s.handleDraftSave},
		{"DELETE", "/api/v1/conversations/{id}/draft", accessAgent, s.handleDraftDelete},
		{"POST", "/api/v1/conversations/{id}/draft/send", accessAgent, s.handleDraftSend},
		{"GET", "/api/v1/attachments/{id}", accessAgent, s.handleAttachmentGet},
		{"POST", "/api/v1/conversations/{id}/macros/{macro_id}/apply", accessAgent, s.handleMacroApply},
		{"POST", "/api/v1/conversations/{id}/macros/{macro_id}/preview", accessAgent, s.handleMacroPreview},

		{"GET", "/api/v1/templates", accessAgent, s.handleTemplateList},
		{"POST", "/api/v1/templates", accessAgent, s.handleTemplateCreate},
		{"GET", "/api/v1/templates/{id}", accessAgent, s.handleTemplateGet},
		{"PATCH", "/api/v1/templates/{id}", accessAgent, s.handleTemplateUpdate},
		{"DELETE", "/api/v1/templates/{id}", accessAgent, s.handleTemplateDelete},
		{"POST", "/api/v1/templates/{id}/render", accessAgent, s.handleTemplateRender},

		{"GET", "/api/v1/macros", accessAgent, s.handleMacroList},
		{"POST", "/api/v1/macros", accessAgent, s.handleMacroCreate},
		{"GET", "/api/v1/macros/{id}", accessAgent, s.handleMacroGet},
		{"PATCH", "/api/v1/macros/{id}", accessAgent, s.handleMacroUpdate},
		{"DELETE", "/api/v1/macros/{id}", accessAgent, s.handleMacroDelete},
		{"POST", "/api/v1/macros/{id}/draft", accessAgent, s.handleMacroDraftApply},
		{"POST", "/api/v1/macros/{id}/draft/remove", accessAgent, s.handleMacroDraftRemove},
		{"POST", "/api/v1/conversations/{id}/seen", accessAgent, s.handleConversationSeen},
		{"POST", "/api/v1/conversations/{id}/call-link", accessAgent, s.handleCallLinkCreate},

		{"POST", "/api/v1/calls", accessAgent, s.handleCallCreate},
		{"GET", "/api/v1/calls/ice-servers", accessAgent, s.handleCallICEServers},
		// A call's routes run on the node owning it (ownedCall forwards);
		// the caller's own call and wrap-up on the node holding them.
		{"GET", "/api/v1/calls/{id}", accessAgent, s.ownedCall("id", s.handleCallGet)},
		{"POST", "/api/v1/calls/{id}/answer", accessAgent, s.ownedCall("id", s.handleCallAnswer)},
		{"POST", "/api/v1/calls/{id}/media", accessAgent, s.ownedCall("id", s.handleCallMedia)},
		{"POST", "/api/v1/calls/{id}/decline", accessAgent, s.ownedCall("id", s.callAction((*call.Service).Decline))},
		{"POST", "/api/v1/calls/{id}/hold", accessAgent, s.ownedCall("id", s.callAction((*call.Service).Hold))},
		{"POST", "/api/v1/calls/{id}/resume", accessAgent, s.ownedCall("id", s.callAction((*call.Service).Resume))},
		{"POST", "/api/v1/calls/{id}/transfer", accessAgent, s.ownedCall("id", s.handleCallTransfer)},
		{"POST", "/api/v1/calls/{id}/hangup", accessAgent, s.ownedCall("id", s.callAction(voice.HangupByAgent))},
		{"POST", "/api/v1/calls/{id}/dtmf", accessAgent, s.ownedCall("id", s.handleCallDTMF)},
		{"GET", "/api/v1/calls/{id}/recording", accessAgent, s.ownedCall("id", s.handleCallRecording)},
		{"GET", "/api/v1/me/wrap-up", accessAgent, s.emptyWithoutCalls(s.onAgentsNode(voice.HasWrapUp, s.handleWrapUpGet))},
		{"GET", "/api/v1/me/call", accessAgent, s.emptyWithoutCalls(s.onAgentsNode(voice.HasCall, s.handleMyCall))},
		{"POST", "/api/v1/me/wrap-up/extend", accessAgent, s.onAgentsNode(voice.HasWrapUp, s.handleWrapUpExtend)},
		{"POST", "/api/v1/me/wrap-up/finish", accessAgent, s.onAgentsNode(voice.HasWrapUp, s.handleWrapUpFinish)},
		{"GET", "/call/app.js", accessPublic, s.handleCallPageScript},
		{"GET", "/call/app.css", accessPublic, s.handleCallPageStyle},
		{"GET", "/call/{token}", accessPublic, s.handleCallPage},
		{"POST", "/call/{token}/offer", accessPublic, s.handleCallLinkOffer},
		{"GET", "/call/{token}/calls/{call_id}", accessPublic, s.ownedCall("call_id", s.handleCallLinkState)},
		{"POST", "/call/{token}/calls/{call_id}/hangup", accessPublic, s.ownedCall("call_id", s.handleCallLinkHangup)},

		{"GET", "/api/v1/forms", accessAgent, s.handleFormList},
		{"POST", "/api/v1/forms", accessAgent, s.handleFormCreate},
		{"GET", "/api/v1/forms/{id}", accessAgent, s.handleFormGet},
		{"PATCH", "/api/v1/forms/{id}", accessAgent, s.handleFormUpdate},
		{"DELETE", "/api/v1/forms/{id}", accessAgent, s.handleFormDelete},

		{"GET", "/api/v1/cards", accessAgent, s.handleCardList},
		{"POST", "/api/v1/cards", accessAgent, s.handleCardCreate},
		{"GET", "/api/v1/cards/{id}", accessAgent, s.handleCardGet},
		{"PATCH", "/api/v1/cards/{id}", accessAgent, s.handleCardUpdate},
		{"DELETE", "/api/v1/cards/{id}", accessAgent, s.handleCardDelete},
		{"GET", "/api/v1/conversations/{id}/cards", accessAgent, s.handleConversationCards},
		{"PATCH", "/api/v1/conversations/{id}/cards/{card_id}", accessAgent, s.handleConversationCardEdit},

		{"GET", "/api/v1/tags", accessAgent, s.handleTagList},
		{"POST", "/api/v1/tags", accessAgent, s.handleTagCreate},
		{"DELETE", "/api/v1/tags/{name}", accessAgent, s.handleTagDelete},
		{"GET", "/api/v1/calendars", accessAgent, s.handleCalendarList},
		{"POST", "/api/v1/calendars", accessAgent, s.handleCalendarCreate},
		{"GET", "/api/v1/calendars/{id}", accessAgent, s.handleCalendarGet},
		{"PUT", "/api/v1/calendars/{id}", accessAgent, s.handleCalendarUpdate},
		{"DELETE", "/api/v1/calendars/{id}", accessAgent, s.handleCalendarDelete},
		{"PUT", "/api/v1/queues/{id}/calendar", accessAgent, s.handleQueueCalendarPut},
		{"GET", "/api/v1/sla-policies", accessAgent, s.handleSLAPolicyList},
		{"POST", "/api/v1/sla-policies", accessAgent, s.handleSLAPolicyCreate},
		{"DELETE", "/api/v1/sla-policies/{id}", accessAgent, s.handleSLAPolicyDelete},
		{"GET", "/api/v1/conversations/{id}/sla", accessAgent, s.handleConversationSLA},
		{"GET", "/api/v1/sla/conversations", accessAgent, s.handleSLAStatuses},
		{"GET", "/api/v1/queues/{id}/out-of-hours", accessAgent, s.handleOutOfHoursGet},
		{"PUT", "/api/v1/queues/{id}/out-of-hours", accessAgent, s.handleOutOfHoursPut},
		{"GET", "/api/v1/me/notifications", accessAgent, s.handleNotificationList},
		{"POST", "/api/v1/me/notifications/read", accessAgent, s.handleNotificationReadAll},
		{"POST", "/api/v1/me/notifications/{id}/read", accessAgent, s.handleNotificationRead},
		{"GET", "/api/v1/reports/conversations", accessAgent, s.handleReportConversations},
		{"GET", "/api/v1/wallboard", accessAgent, s.handleWallboard},

		{"GET", "/api/v1/integration-tokens", accessAgent, s.handleTokenList},
		{"POST", "/api/v1/integration-tokens", accessAgent, s.handleTokenCreate},
		{"DELETE", "/api/v1/integration-tokens/{id}", accessAgent, s.handleTokenDelete},

		{"POST", "/api/v1/inbound", accessIntegration, s.handleInbound},
		{"POST", "/api/v1/surveys/{token}", accessPublic, s.handleSurveyAnswer},
		{"GET", "/survey/{token}", accessPublic, s.handleSurveyPage},
		{"POST", "/survey/{token}", accessPublic, s.handleSurveyPageAnswer},

		{"GET", "/api/v1/channels", accessAgent, s.handleChannelList},
		{"GET", "/api/v1/me/channels", accessAgent, s.handleMyChannels},
		{"POST", "/api/v1/channels", accessAgent, s.handleChannelCreate},
		{"GET", "/api/v1/channels/{id}", accessAgent, s.handleChannelGet},
		{"PATCH", "/api/v1/channels/{id}", accessAgent, s.handleChannelUpdate},
		{"DELETE", "/api/v1/channels/{id}", accessAgent, s.handleChannelDelete},
		{"GET", "/api/v1/dead-letters", accessAgent, s.handleDeadLetterList},
		{"GET", "/webhooks/{provider}/{channel_id}", accessPublic, s.handleWebhook},
		{"POST", "/webhooks/{provider}/{channel_id}", accessPublic, s.handleWebhook},

		{"GET", "/widget.js", accessPublic, s.handleWidget},
		{"GET", "/livechat/preview/{id}", accessPublic, s.handleLiveChatPreview},
		{"GET", "/api/v1/livechat/{channel_id}/ws", accessPublic, s.handleLiveChatSocket},
		{"POST", "/api/v1/livechat/{channel_id}/files", accessPublic, s.handleLiveChatFile},
		{"GET", "/media/{token}", accessPublic, s.handleMediaLink},
	}
}
