package http

import "net/http"

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
		{"POST", "/api/v1/auth/logout", accessAgent, s.handleLogout},
		{"GET", "/api/v1/me", accessAgent, s.handleMe},
		{"PUT", "/api/v1/me/status", accessAgent, s.handleMeStatus},

		{"GET", "/api/v1/agents", accessAgent, s.handleAgentList},
		{"POST", "/api/v1/agents", accessAgent, s.handleAgentCreate},
		{"GET", "/api/v1/agents/{id}", accessAgent, s.handleAgentGet},
		{"PATCH", "/api/v1/agents/{id}", accessAgent, s.handleAgentUpdate},

		{"GET", "/api/v1/queues", accessAgent, s.handleQueueList},
		{"POST", "/api/v1/queues", accessAgent, s.handleQueueCreate},
		{"GET", "/api/v1/queues/{id}", accessAgent, s.handleQueueGet},
		{"PATCH", "/api/v1/queues/{id}", accessAgent, s.handleQueueUpdate},
		{"DELETE", "/api/v1/queues/{id}", accessAgent, s.handleQueueDelete},
		{"PUT", "/api/v1/queues/{id}/members/{agent_id}", accessAgent, s.handleQueueMemberAdd},
		{"DELETE", "/api/v1/queues/{id}/members/{agent_id}", accessAgent, s.handleQueueMemberRemove},

		{"GET", "/api/v1/customers", accessAgent, s.handleCustomerList},
		{"POST", "/api/v1/customers", accessAgent, s.handleCustomerCreate},
		{"GET", "/api/v1/customers/{id}", accessAgent, s.handleCustomerGet},
		{"PATCH", "/api/v1/customers/{id}", accessAgent, s.handleCustomerUpdate},

		{"GET", "/api/v1/conversations", accessAgent, s.handleConversationList},
		{"POST", "/api/v1/conversations", accessAgent, s.handleConversationCreate},
		{"GET", "/api/v1/conversations/{id}", accessAgent, s.handleConversationGet},
		{"PATCH", "/api/v1/conversations/{id}", accessAgent, s.handleConversationUpdate},
		{"POST", "/api/v1/conversations/{id}/assign", accessAgent, s.handleConversationAssign},
		{"POST", "/api/v1/conversations/{id}/unassign", accessAgent, s.handleConversationUnassign},
		{"POST", "/api/v1/conversations/{id}/transfer", accessAgent, s.handleConversationTransfer},
		{"GET", "/api/v1/conversations/{id}/messages", accessAgent, s.handleMessageList},
		{"POST", "/api/v1/conversations/{id}/messages", accessAgent, s.handleMessageCreate},
		{"GET", "/api/v1/conversations/{id}/events", accessAgent, s.handleEventList},
		{"GET", "/api/v1/conversations/{id}/search", accessAgent, s.handleConversationSearch},

		{"GET", "/api/v1/search", accessAgent, s.handleSearch},

		{"GET", "/api/v1/tags", accessAgent, s.handleTagList},
		{"POST", "/api/v1/tags", accessAgent, s.handleTagCreate},
		{"DELETE", "/api/v1/tags/{name}", accessAgent, s.handleTagDelete},

		{"GET", "/api/v1/integration-tokens", accessAgent, s.handleTokenList},
		{"POST", "/api/v1/integration-tokens", accessAgent, s.handleTokenCreate},
		{"DELETE", "/api/v1/integration-tokens/{id}", accessAgent, s.handleTokenDelete},

		{"POST", "/api/v1/inbound", accessIntegration, s.handleInbound},
	}
}
