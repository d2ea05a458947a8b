package http

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/switchboard-cc/switchboard/internal/auth"
	"github.com/switchboard-cc/switchboard/internal/desk"
)

// The callers of the access-control walk, in the order each route's
// requests are sent. "other" is an agent of queue B only; "agent" is an
// agent of queue A, which holds the conversation the routes act on.
var accessRoles = [5]string{"anon", "other", "agent", "supervisor", "admin"}

// accessCase is the expected answer of one route for each caller. path and
// body may hold placeholders, filled per request (see env.fill), so a
// destructive request gets its own fresh target.
type accessCase struct {
	path, body string
	want       [5]int // anon, other, agent, supervisor, admin
}

// Common expectations.
var (
	all200    = [5]int{200, 200, 200, 200, 200}
	signedIn  = [5]int{401, 200, 200, 200, 200}
	adminOnly = [5]int{401, 403, 403, 403, 200}
	queueA    = [5]int{401, 404, 200, 200, 200} // visible to queue A, supervisors, admins
)

// accessTable has one entry per route of the OpenAPI document, keyed
// "METHOD /path/{template}". A route without an entry fails the test, so
// whoever adds a route states who may call it (J2).
var accessTable = map[string]accessCase{
	"GET /healthz":             {"/healthz", "", all200},
	"GET /readyz":              {"/readyz", "", all200},
	"GET /metrics":             {"/metrics", "", all200},
	"GET /api/v1/openapi.json": {"/api/v1/openapi.json", "", all200},

	"POST /api/v1/auth/login":                {"/api/v1/auth/login", `{"email":"nobody@example.com","password":"wrong-password"}`, [5]int{401, 401, 401, 401, 401}},
	"GET /api/v1/setup":                      {"/api/v1/setup", "", all200},
	"POST /api/v1/setup":                     {"/api/v1/setup", `{"token":"x","email":"x@example.com","password":"long-enough","organisation":"O"}`, [5]int{409, 409, 409, 409, 409}},
	"GET /api/v1/organisation":               {"/api/v1/organisation", "", [5]int{401, 204, 204, 204, 204}},
	"POST /api/v1/auth/logout":               {"/api/v1/auth/logout", "", [5]int{401, 204, 204, 204, 204}},
	"GET /api/v1/auth/totp":                  {"/api/v1/auth/totp", "", signedIn},
	"POST /api/v1/auth/totp/enroll":          {"/api/v1/auth/totp/enroll", "", signedIn},
	"POST /api/v1/auth/totp/confirm":         {"/api/v1/auth/totp/confirm", `{"code":"000000"}`, [5]int{401, 404, 404, 404, 404}},
	"POST /api/v1/auth/totp/disable":         {"/api/v1/auth/totp/disable", `{"code":"000000"}`, [5]int{401, 404, 404, 404, 404}},
	"GET /api/v1/me":                         {"/api/v1/me", "", signedIn},
	"PUT /api/v1/me/status":                  {"/api/v1/me/status", `{"status":"busy"}`, signedIn},
	"PUT /api/v1/me/password":                {"/api/v1/me/password", `{"current_password":"wrong-password","new_password":"new-password"}`, [5]int{401, 400, 400, 400, 400}},
	"GET /api/v1/settings/two-factor":        {"/api/v1/settings/two-factor", "", adminOnly},
	"PUT /api/v1/settings/two-factor":        {"/api/v1/settings/two-factor", `{"required_roles":[]}`, adminOnly},
	"GET /api/v1/audit":                      {"/api/v1/audit", "", adminOnly},
	"GET /api/v1/settings/external-transfer": {"/api/v1/settings/external-transfer", "", signedIn},
	"PUT /api/v1/settings/external-transfer": {"/api/v1/settings/external-transfer", `{"people_contacts":true,"manual_numbers":true}`, [5]int{401, 403, 403, 200, 200}},
	"GET /api/v1/auth/session":               {"/api/v1/auth/session", "", all200},

	"GET /api/v1/agents":              {"/api/v1/agents", "", signedIn},
	"POST /api/v1/agents":             {"/api/v1/agents", `{"email":"{role}@new.example.com","password":"password1","role":"agent"}`, [5]int{401, 403, 403, 403, 201}},
	"GET /api/v1/agents/{id}":         {"/api/v1/agents/{idA}", "", signedIn},
	"PATCH /api/v1/agents/{id}":       {"/api/v1/agents/{idA}", `{"name":"Renamed"}`, [5]int{401, 403, 200, 200, 200}},
	"DELETE /api/v1/agents/{id}/totp": {"/api/v1/agents/{idA}/totp", "", [5]int{401, 403, 403, 403, 204}},

	"GET /api/v1/calendars":                   {"/api/v1/calendars", "", signedIn},
	"POST /api/v1/calendars":                  {"/api/v1/calendars", `{"name":"C {role}","time_zone":"Europe/Berlin","hours":[{"day":"mon","open":"09:00","close":"17:00"}]}`, [5]int{401, 403, 403, 201, 201}},
	"GET /api/v1/calendars/{id}":              {"/api/v1/calendars/{newCalendar}", "", signedIn},
	"PUT /api/v1/calendars/{id}":              {"/api/v1/calendars/{newCalendar}", `{"name":"R {role}","time_zone":"Asia/Tokyo"}`, [5]int{401, 403, 403, 200, 200}},
	"DELETE /api/v1/calendars/{id}":           {"/api/v1/calendars/{newCalendar}", "", [5]int{401, 403, 403, 204, 204}},
	"PUT /api/v1/queues/{id}/calendar":        {"/api/v1/queues/{queueA}/calendar", `{"calendar_id":"{newCalendar}"}`, [5]int{401, 403, 403, 200, 200}},
	"GET /api/v1/sla-policies":                {"/api/v1/sla-policies", "", signedIn},
	"POST /api/v1/sla-policies":               {"/api/v1/sla-policies", `{"queue_id":"{newQueue}","resolution_minutes":480}`, [5]int{401, 403, 403, 201, 201}},
	"DELETE /api/v1/sla-policies/{id}":        {"/api/v1/sla-policies/{newSLAPolicy}", "", [5]int{401, 403, 403, 204, 204}},
	"GET /api/v1/conversations/{id}/sla":      {"/api/v1/conversations/{convA}/sla", "", queueA},
	"GET /api/v1/sla/conversations":           {"/api/v1/sla/conversations?ids={convA}", "", signedIn},
	"GET /api/v1/queues/{id}/out-of-hours":    {"/api/v1/queues/{queueA}/out-of-hours", "", signedIn},
	"PUT /api/v1/queues/{id}/out-of-hours":    {"/api/v1/queues/{queueA}/out-of-hours", `{"enabled":false,"text":"We are closed."}`, [5]int{401, 403, 403, 200, 200}},
	"GET /api/v1/me/notifications":            {"/api/v1/me/notifications", "", signedIn},
	"POST /api/v1/me/notifications/read":      {"/api/v1/me/notifications/read", "", [5]int{401, 204, 204, 204, 204}},
	"POST /api/v1/me/notifications/{id}/read": {"/api/v1/me/notifications/999999/read", "", [5]int{401, 404, 404, 404, 404}},
	"GET /api/v1/wallboard":                   {"/api/v1/wallboard", "", [5]int{401, 403, 403, 200, 200}},
	"GET /api/v1/reports/conversations":       {"/api/v1/reports/conversations?from=2026-01-01&to=2026-02-01", "", [5]int{401, 403, 403, 200, 200}},

	"GET /api/v1/queues":                            {"/api/v1/queues", "", signedIn},
	"POST /api/v1/queues":                           {"/api/v1/queues", `{"name":"Q {role}"}`, [5]int{401, 403, 403, 201, 201}},
	"GET /api/v1/queues/{id}":                       {"/api/v1/queues/{queueA}", "", signedIn},
	"PATCH /api/v1/queues/{id}":                     {"/api/v1/queues/{queueA}", `{"auto_assign":true}`, [5]int{401, 403, 403, 200, 200}},
	"DELETE /api/v1/queues/{id}":                    {"/api/v1/queues/{newQueue}", "", [5]int{401, 403, 403, 204, 204}},
	"PUT /api/v1/queues/{id}/members/{agent_id}":    {"/api/v1/queues/{newQueue}/members/{idB}", "", [5]int{401, 403, 403, 204, 204}},
	"GET /api/v1/queues/{id}/hold-music":            {"/api/v1/queues/{queueA}/hold-music", "", [5]int{401, 403, 403, 200, 200}},
	"PUT /api/v1/queues/{id}/hold-music":            {"/api/v1/queues/{queueA}/hold-music", testWAV, [5]int{401, 403, 403, 200, 200}},
	"DELETE /api/v1/queues/{id}/hold-music":         {"/api/v1/queues/{queueA}/hold-music", "", [5]int{401, 403, 403, 204, 204}},
	"GET /api/v1/queues/{id}/hold-announcement":     {"/api/v1/queues/{queueA}/hold-announcement", "", [5]int{401, 403, 403, 200, 200}},
	"PUT /api/v1/queues/{id}/hold-announcement":     {"/api/v1/queues/{queueA}/hold-announcement", testWAV, [5]int{401, 403, 403, 200, 200}},
	"DELETE /api/v1/queues/{id}/hold-announcement":  {"/api/v1/queues/{queueA}/hold-announcement", "", [5]int{401, 403, 403, 204, 204}},
	"DELETE /api/v1/queues/{id}/members/{agent_id}": {"/api/v1/queues/{queueA}/members/{newAgent}", "", [5]int{401, 403, 403, 204, 204}},

	"GET /api/v1/customers":        {"/api/v1/customers", "", signedIn},
	"POST /api/v1/customers":       {"/api/v1/customers", `{"name":"C {role}"}`, [5]int{401, 201, 201, 201, 201}},
	"GET /api/v1/customers/{id}":   {"/api/v1/customers/{customerA}", "", signedIn},
	"PATCH /api/v1/customers/{id}": {"/api/v1/customers/{customerA}", `{"city":"Lyon"}`, signedIn},
	// Merging profiles moves conversations of every queue: supervisors.
	"POST /api/v1/customers/{id}/merge": {"/api/v1/customers/{newCustomer}/merge", `{"other_id":"{newCustomer2}"}`, [5]int{401, 403, 403, 200, 200}},
	// Possible duplicates span every customer: supervisors, like merging.
	"GET /api/v1/customers/duplicates": {"/api/v1/customers/duplicates", "", [5]int{401, 403, 403, 200, 200}},
	// Erasing needs the ID repeated: the admin's unconfirmed erase is a 400.
	"POST /api/v1/customers/{id}/erase":  {"/api/v1/customers/{newCustomer}/erase", `{"confirm":"0"}`, [5]int{401, 403, 403, 403, 400}},
	"POST /api/v1/customers/{id}/export": {"/api/v1/customers/{customerA}/export", `{"confirm":"{customerA}"}`, adminOnly},
	"GET /api/v1/retention":              {"/api/v1/retention", "", adminOnly},
	"PUT /api/v1/queues/{id}/retention":  {"/api/v1/queues/{queueA}/retention", `{"closed_days":0}`, adminOnly},
	// Every agent reads People; the history lists only visible queues'
	// conversations (an empty list for the other queue's agent).
	"GET /api/v1/customers/{id}/conversations":   {"/api/v1/customers/{customerA}/conversations", "", signedIn},
	"PUT /api/v1/conversations/{id}/customer":    {"/api/v1/conversations/{newConvA}/customer", `{"customer_id":"{newCustomer}"}`, queueA},
	"DELETE /api/v1/conversations/{id}/customer": {"/api/v1/conversations/{newConvA}/customer", "", queueA},

	"GET /api/v1/conversations":  {"/api/v1/conversations", "", signedIn},
	"POST /api/v1/conversations": {"/api/v1/conversations", `{"channel":"sms","sender_address":"+15550100","queue_id":"{queueA}","customer_id":"{newCustomer}","contact_address":"+1777{n}"}`, [5]int{401, 400, 201, 201, 201}},
	// ^ other: 400 "you are not a member of this queue" (queue names are not secret).
	"GET /api/v1/conversations/{id}":           {"/api/v1/conversations/{convA}", "", queueA},
	"PATCH /api/v1/conversations/{id}":         {"/api/v1/conversations/{convA}", `{"priority":"high"}`, queueA},
	"POST /api/v1/conversations/{id}/assign":   {"/api/v1/conversations/{newConvA}/assign", `{"agent_id":"{assignee}"}`, queueA},
	"POST /api/v1/conversations/{id}/unassign": {"/api/v1/conversations/{convA}/unassign", "", queueA},
	// No bot holds convA: 409 not_with_bot for whoever sees it.
	"POST /api/v1/conversations/{id}/handoff":  {"/api/v1/conversations/{convA}/handoff", "", [5]int{401, 404, 409, 409, 409}},
	"POST /api/v1/conversations/{id}/transfer": {"/api/v1/conversations/{newConvA}/transfer", `{"queue_id":"{queueA}"}`, queueA},
	"GET /api/v1/conversations/{id}/messages":  {"/api/v1/conversations/{convA}/messages", "", queueA},
	"POST /api/v1/conversations/{id}/messages": {"/api/v1/conversations/{convA}/messages", `{"text":"hello"}`, [5]int{401, 404, 201, 201, 201}},
	"GET /api/v1/conversations/{id}/events":    {"/api/v1/conversations/{convA}/events", "", queueA},
	"GET /api/v1/conversations/{id}/opt-out":   {"/api/v1/conversations/{convA}/opt-out", "", queueA},
	"GET /api/v1/conversations/{id}/search":    {"/api/v1/conversations/{convA}/search?q=x", "", queueA},
	"GET /api/v1/conversations/{id}/senders":   {"/api/v1/conversations/{convA}/senders", "", queueA},
	"GET /api/v1/senders":                      {"/api/v1/senders?channel=sms", "", signedIn},
	"POST /api/v1/sms/segments":                {"/api/v1/sms/segments", `{"text":"hello"}`, signedIn},
	"GET /api/v1/search":                       {"/api/v1/search?q=x", "", signedIn},

	"GET /api/v1/tags":           {"/api/v1/tags", "", signedIn},
	"POST /api/v1/tags":          {"/api/v1/tags", `{"name":"tag-{role}"}`, [5]int{401, 403, 403, 201, 201}},
	"DELETE /api/v1/tags/{name}": {"/api/v1/tags/{newTag}", "", [5]int{401, 403, 403, 204, 204}},

	"GET /api/v1/integration-tokens":         {"/api/v1/integration-tokens", "", adminOnly},
	"POST /api/v1/integration-tokens":        {"/api/v1/integration-tokens", `{"name":"crm"}`, [5]int{401, 403, 403, 403, 201}},
	"DELETE /api/v1/integration-tokens/{id}": {"/api/v1/integration-tokens/{newToken}", "", [5]int{401, 403, 403, 403, 204}},

	"POST /api/v1/me/heartbeat": {"/api/v1/me/heartbeat", "", [5]int{401, 204, 204, 204, 204}},
	// This env has no VAPID key: 404 for whoever signed in.
	"GET /api/v1/push/key":           {"/api/v1/push/key", "", [5]int{401, 404, 404, 404, 404}},
	"PUT /api/v1/me/push":            {"/api/v1/me/push", `{"endpoint":"https://push.example.com/{n}","keys":{"p256dh":"BNc","auth":"tBH"}}`, [5]int{401, 204, 204, 204, 204}},
	"DELETE /api/v1/me/push":         {"/api/v1/me/push", "", [5]int{401, 204, 204, 204, 204}},
	"PUT /api/v1/agents/{id}/status": {"/api/v1/agents/{idA}/status", `{"status":"busy"}`, [5]int{401, 403, 200, 200, 200}},
	// Without Upgrade headers the live feed answers after authentication;
	// this env has no hub (404); internal/realtime tests the upgrade.
	"GET /api/v1/ws": {"/api/v1/ws", "", [5]int{401, 404, 404, 404, 404}},

	"GET /api/v1/statuses":            {"/api/v1/statuses", "", signedIn},
	"POST /api/v1/statuses":           {"/api/v1/statuses", `{"name":"st {role} {n}"}`, [5]int{401, 403, 403, 201, 201}},
	"PATCH /api/v1/statuses/{id}":     {"/api/v1/statuses/{newStatus}", `{"allows_work":true}`, [5]int{401, 403, 403, 200, 200}},
	"DELETE /api/v1/statuses/{id}":    {"/api/v1/statuses/{newStatus}", "", [5]int{401, 403, 403, 204, 204}},
	"GET /api/v1/reports/utilization": {"/api/v1/reports/utilization", "", [5]int{401, 403, 403, 200, 200}},

	"GET /api/v1/routing-rules":         {"/api/v1/routing-rules", "", signedIn},
	"POST /api/v1/routing-rules":        {"/api/v1/routing-rules", `{"name":"r {role}","channel":"sms","queue_id":"{queueA}"}`, [5]int{401, 403, 403, 201, 201}},
	"PATCH /api/v1/routing-rules/{id}":  {"/api/v1/routing-rules/{newRule}", `{"keyword":"refund"}`, [5]int{401, 403, 403, 200, 200}},
	"DELETE /api/v1/routing-rules/{id}": {"/api/v1/routing-rules/{newRule}", "", [5]int{401, 403, 403, 204, 204}},

	"GET /api/v1/channels":         {"/api/v1/channels", "", adminOnly},
	"GET /api/v1/me/channels":      {"/api/v1/me/channels", "", signedIn},
	"POST /api/v1/channels":        {"/api/v1/channels", `{"kind":"whatsapp","name":"WA {role} {n}","sender":"1555{n}","settings":{"phone_number_id":"{n}"},"secrets":{"app_secret":"s","verify_token":"v","access_token":"t"}}`, [5]int{401, 403, 403, 403, 201}},
	"GET /api/v1/channels/{id}":    {"/api/v1/channels/{newChannel}", "", adminOnly},
	"PATCH /api/v1/channels/{id}":  {"/api/v1/channels/{newChannel}", `{"name":"renamed {n}"}`, adminOnly},
	"DELETE /api/v1/channels/{id}": {"/api/v1/channels/{newChannel}", "", [5]int{401, 403, 403, 403, 204}},
	"GET /api/v1/dead-letters":     {"/api/v1/dead-letters", "", adminOnly},
	// Provider webhooks are public and proved by their signatures: a wrong
	// verify token or a missing signature is 401 for everyone.
	"GET /webhooks/{provider}/{channel_id}":  {"/webhooks/whatsapp/{newChannel}?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1", "", [5]int{401, 401, 401, 401, 401}},
	"POST /webhooks/{provider}/{channel_id}": {"/webhooks/whatsapp/{newChannel}", `{"object":"whatsapp_business_account","entry":[]}`, [5]int{401, 401, 401, 401, 401}},

	"GET /api/v1/templates":              {"/api/v1/templates", "", signedIn},
	"POST /api/v1/templates":             {"/api/v1/templates", `{"name":"t {role} {n}","text":"hello"}`, [5]int{401, 403, 403, 201, 201}},
	"GET /api/v1/templates/{id}":         {"/api/v1/templates/{newTemplate}", "", signedIn},
	"PATCH /api/v1/templates/{id}":       {"/api/v1/templates/{newTemplate}", `{"text":"changed"}`, [5]int{401, 403, 403, 200, 200}},
	"DELETE /api/v1/templates/{id}":      {"/api/v1/templates/{newTemplate}", "", [5]int{401, 403, 403, 204, 204}},
	"POST /api/v1/templates/{id}/render": {"/api/v1/templates/{newTemplate}/render", `{"variables":[]}`, signedIn},

	"GET /api/v1/macros":                                        {"/api/v1/macros", "", signedIn},
	"POST /api/v1/macros":                                       {"/api/v1/macros", `{"name":"m {role} {n}"}`, [5]int{401, 403, 403, 201, 201}},
	"GET /api/v1/macros/{id}":                                   {"/api/v1/macros/{newMacro}", "", signedIn},
	"PATCH /api/v1/macros/{id}":                                 {"/api/v1/macros/{newMacro}", `{"name":"renamed {n}"}`, [5]int{401, 403, 403, 200, 200}},
	"DELETE /api/v1/macros/{id}":                                {"/api/v1/macros/{newMacro}", "", [5]int{401, 403, 403, 204, 204}},
	"POST /api/v1/macros/{id}/draft":                            {"/api/v1/macros/{newMacro}/draft", `{"channel":"sms","to":"+15550009"}`, signedIn},
	"POST /api/v1/macros/{id}/draft/remove":                     {"/api/v1/macros/{newMacro}/draft/remove", `{"channel":"sms","to":"+15550009"}`, [5]int{401, 404, 404, 404, 404}},
	"POST /api/v1/conversations/{id}/macros/{macro_id}/apply":   {"/api/v1/conversations/{convA}/macros/{newMacro}/apply", "", queueA},
	"POST /api/v1/conversations/{id}/macros/{macro_id}/preview": {"/api/v1/conversations/{convA}/macros/{newMacro}/preview", "", queueA},
	// Merging with another customer's conversation is refused (409) for
	// whoever may see both; the other queue's agent does not see it (404).
	"POST /api/v1/conversations/{id}/merge": {"/api/v1/conversations/{convA}/merge", `{"other_id":"{newConvA}"}`, [5]int{401, 404, 409, 409, 409}},
	// Attachments are served to who may see their conversation; the
	// attachment tests cover that; here an unknown ID is 404 for all.
	"GET /api/v1/attachments/{id}": {"/api/v1/attachments/999999", "", [5]int{401, 404, 404, 404, 404}},

	"POST /api/v1/conversations/{id}/seen": {"/api/v1/conversations/{convA}/seen", "", queueA},
	// Live Chat is public: a visitor socket for an unknown channel is 404
	// for everyone; the widget script, which internal/app passes from the
	// web build, is not given in this env: 503 web_not_built for everyone
	// (TestWidgetAndCallScripts serves it; the cmd tests run it).
	"GET /livechat/preview/{id}":               {"/livechat/preview/999999", "", [5]int{404, 404, 404, 404, 404}},
	"GET /widget.js":                           {"/widget.js", "", [5]int{503, 503, 503, 503, 503}},
	"GET /api/v1/livechat/{channel_id}/ws":     {"/api/v1/livechat/999999/ws", "", [5]int{404, 404, 404, 404, 404}},
	"POST /api/v1/livechat/{channel_id}/files": {"/api/v1/livechat/999999/files", "", [5]int{404, 404, 404, 404, 404}},
	// Media links are public and signed; a forged one is 404 for everyone
	// (internal/http/media_test.go covers real links).
	"GET /media/{token}": {"/media/1.99999999999.forged", "", [5]int{404, 404, 404, 404, 404}},

	// Calls are off in this env (no media hub): signed-in callers get 404,
	// anonymous ones 401; internal/http/call_test.go walks the feature with
	// calls on (roles, visibility of recordings, the customer page).
	"GET /api/v1/calls/{id}":                    {"/api/v1/calls/1", "", [5]int{401, 404, 404, 404, 404}},
	"GET /api/v1/calls/ice-servers":             {"/api/v1/calls/ice-servers", "", [5]int{401, 404, 404, 404, 404}},
	"GET /api/v1/calls/{id}/recording":          {"/api/v1/calls/1/recording", "", [5]int{401, 404, 404, 404, 404}},
	"GET /api/v1/me/wrap-up":                    {"/api/v1/me/wrap-up", "", [5]int{401, 204, 204, 204, 204}},
	"GET /api/v1/me/call":                       {"/api/v1/me/call", "", [5]int{401, 204, 204, 204, 204}},
	"POST /api/v1/calls":                        {"/api/v1/calls", `{}`, [5]int{401, 404, 404, 404, 404}},
	"POST /api/v1/calls/{id}/answer":            {"/api/v1/calls/1/answer", `{}`, [5]int{401, 404, 404, 404, 404}},
	"POST /api/v1/calls/{id}/decline":           {"/api/v1/calls/1/decline", `{}`, [5]int{401, 404, 404, 404, 404}},
	"POST /api/v1/calls/{id}/hangup":            {"/api/v1/calls/1/hangup", `{}`, [5]int{401, 404, 404, 404, 404}},
	"POST /api/v1/calls/{id}/hold":              {"/api/v1/calls/1/hold", `{}`, [5]int{401, 404, 404, 404, 404}},
	"POST /api/v1/calls/{id}/dtmf":              {"/api/v1/calls/1/dtmf", `{"digits":"1"}`, [5]int{401, 404, 404, 404, 404}},
	"POST /api/v1/calls/{id}/media":             {"/api/v1/calls/1/media", `{}`, [5]int{401, 404, 404, 404, 404}},
	"POST /api/v1/calls/{id}/resume":            {"/api/v1/calls/1/resume", `{}`, [5]int{401, 404, 404, 404, 404}},
	"POST /api/v1/calls/{id}/transfer":          {"/api/v1/calls/1/transfer", `{}`, [5]int{401, 404, 404, 404, 404}},
	"POST /api/v1/conversations/{id}/call-link": {"/api/v1/conversations/{convA}/call-link", `{}`, [5]int{401, 404, 404, 404, 404}},
	"POST /api/v1/me/wrap-up/extend":            {"/api/v1/me/wrap-up/extend", `{}`, [5]int{401, 404, 404, 404, 404}},
	"POST /api/v1/me/wrap-up/finish":            {"/api/v1/me/wrap-up/finish", `{}`, [5]int{401, 404, 404, 404, 404}},
	"GET /call/app.js":                          {"/call/app.js", "", [5]int{503, 503, 503, 503, 503}}, // the web build's script: not given here
	"GET /call/app.css":                         {"/call/app.css", "", all200},
	"GET /call/{token}":                         {"/call/not-a-token", "", [5]int{404, 404, 404, 404, 404}},
	"GET /call/{token}/calls/{call_id}":         {"/call/not-a-token/calls/1", "", [5]int{404, 404, 404, 404, 404}},
	"POST /call/{token}/calls/{call_id}/hangup": {"/call/not-a-token/calls/1/hangup", `{}`, [5]int{404, 404, 404, 404, 404}},
	"POST /call/{token}/offer":                  {"/call/not-a-token/offer", `{"sdp":"v=0"}`, [5]int{404, 404, 404, 404, 404}},
	"GET /api/v1/forms":                         {"/api/v1/forms", "", signedIn},
	"POST /api/v1/forms":                        {"/api/v1/forms", `{"name":"f {role} {n}","fields":[{"name":"reason","type":"text","required":true}]}`, [5]int{401, 403, 403, 201, 201}},
	"GET /api/v1/forms/{id}":                    {"/api/v1/forms/{newForm}", "", signedIn},
	"PATCH /api/v1/forms/{id}":                  {"/api/v1/forms/{newForm}", `{"name":"renamed {n}"}`, [5]int{401, 403, 403, 200, 200}},
	"DELETE /api/v1/forms/{id}":                 {"/api/v1/forms/{newForm}", "", [5]int{401, 403, 403, 204, 204}},

	"GET /api/v1/cards":         {"/api/v1/cards", "", adminOnly},
	"POST /api/v1/cards":        {"/api/v1/cards", `{"name":"c {role} {n}","url":"https://crm.example.com/card","fields":[{"name":"plan"}]}`, [5]int{401, 403, 403, 403, 201}},
	"GET /api/v1/cards/{id}":    {"/api/v1/cards/{newCard}", "", adminOnly},
	"PATCH /api/v1/cards/{id}":  {"/api/v1/cards/{newCard}", `{"name":"renamed {n}"}`, adminOnly},
	"DELETE /api/v1/cards/{id}": {"/api/v1/cards/{newCard}", "", [5]int{401, 403, 403, 403, 204}},
	// This env has no outbound client: every card is an error card (200).
	"GET /api/v1/conversations/{id}/cards":             {"/api/v1/conversations/{convA}/cards", "", queueA},
	"PATCH /api/v1/conversations/{id}/cards/{card_id}": {"/api/v1/conversations/{convA}/cards/{newCard}", `{"values":{"plan":"gold"}}`, queueA},

	// Any agent starts internal conversations, in a queue of theirs.
	"POST /api/v1/internal-conversations": {"/api/v1/internal-conversations", `{"topic":"help","queue_id":"{queueA}","text":"hi"}`, [5]int{401, 201, 201, 201, 201}},
	// ^ other (queue B only) asks queue A: C9's purpose is asking another queue.

	// Public: the token is the credential; an unknown one is 404 for all.
	"POST /api/v1/surveys/{token}": {"/api/v1/surveys/unknown", `{"rating":5}`, [5]int{404, 404, 404, 404, 404}},
	"GET /survey/{token}":          {"/survey/unknown", "", [5]int{200, 200, 200, 200, 200}},
	"POST /survey/{token}":         {"/survey/unknown", "rating=5", [5]int{400, 400, 400, 400, 400}},

	// Drafts are per agent: nobody has one here, so reading or sending is
	// 404 even where the conversation is visible.
	"GET /api/v1/conversations/{id}/draft":       {"/api/v1/conversations/{convA}/draft", "", [5]int{401, 404, 204, 204, 204}},
	"PUT /api/v1/conversations/{id}/draft":       {"/api/v1/conversations/{convA}/draft", `{"text":"draft"}`, queueA},
	"DELETE /api/v1/conversations/{id}/draft":    {"/api/v1/conversations/{convA}/draft", "", [5]int{401, 404, 204, 204, 204}},
	"POST /api/v1/conversations/{id}/draft/send": {"/api/v1/conversations/{convA}/draft/send", `{"status":"solved"}`, [5]int{401, 404, 404, 404, 404}},

	"POST /api/v1/inbound": {"/api/v1/inbound", `{"channel":"api","from":"+1555{n}","text":"hi","external_id":"x{n}"}`, [5]int{401, 403, 403, 403, 201}},
}

// documentedRoutes returns "METHOD /path" for every operation of the
// OpenAPI document.
func documentedRoutes(t *testing.T) []string {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(openAPIDoc)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			out = append(out, strings.ToUpper(method)+" "+path)
		}
	}
	sort.Strings(out)
	return out
}

// TestAccessControl walks every route of the OpenAPI document as each
// caller and checks the status (J2): anonymous callers are refused,
// agents do not reach other queues' data or supervisor/admin actions.
func TestAccessControl(t *testing.T) {
	routes := documentedRoutes(t)
	var missing []string
	known := map[string]bool{}
	for _, k := range routes {
		known[k] = true
		if _, ok := accessTable[k]; !ok {
			missing = append(missing, k)
		}
	}
	for k := range accessTable {
		if !known[k] {
			t.Errorf("access table entry %q is not in the OpenAPI document", k)
		}
	}
	if len(missing) > 0 {
		t.Fatalf("routes without an access-control entry (add them to accessTable): %v", missing)
	}
	for _, key := range routes {
		tc := accessTable[key]
		method := strings.Fields(key)[0]
		t.Run(key, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			tokens := map[string]string{"anon": "", "other": e.agentB, "agent": e.agentA, "supervisor": e.sup, "admin": e.admin}
			for i, role := range accessRoles {
				got, body := e.send(method, e.fill(tc.path, role), tokens[role], e.fill(tc.body, role))
				if got != tc.want[i] {
					t.Errorf("%s as %s: status %d, want %d: %s", key, role, got, tc.want[i], body)
				}
			}
		})
	}
}

// send issues one request and returns its status and body.
func (e *env) send(method, path, token, body string) (int, string) {
	e.t.Helper()
	req, _ := http.NewRequest(method, e.url+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	return resp.StatusCode, string(b)
}

var fillSeq atomic.Int64

// fill replaces the placeholders of an access case: fixed records of the
// env, the caller's role, a unique number, and fresh records created for
// this request alone (so that deleting one leaves the next caller its own).
func (e *env) fill(s, role string) string {
	if !strings.Contains(s, "{") {
		return s
	}
	e.t.Helper()
	sys := desk.NewContextWithActor(context.Background(), desk.SystemActor)
	n := fillSeq.Add(1)
	fresh := func(ph string, mk func() string) {
		if strings.Contains(s, ph) {
			s = strings.ReplaceAll(s, ph, mk())
		}
	}
	fresh("{newQueue}", func() string {
		q := &desk.Queue{Name: fmt.Sprintf("fresh %d", n)}
		if err := e.store.CreateQueue(sys, q); err != nil {
			e.t.Fatal(err)
		}
		return q.ID.String()
	})
	fresh("{newAgent}", func() string {
		a := &desk.Agent{Email: fmt.Sprintf("fresh%d@example.com", n), Role: desk.RoleAgent, Capacity: 1, QueueIDs: []desk.ID{e.queueA}}
		if err := e.store.CreateAgent(sys, a); err != nil {
			e.t.Fatal(err)
		}
		return a.ID.String()
	})
	fresh("{newCalendar}", func() string {
		c := &desk.BusinessCalendar{Name: fmt.Sprintf("fresh %d", n), TimeZone: "Europe/Berlin"}
		if err := e.store.CreateCalendar(sys, c); err != nil {
			e.t.Fatal(err)
		}
		return c.ID.String()
	})
	fresh("{newSLAPolicy}", func() string {
		q := &desk.Queue{Name: fmt.Sprintf("fresh sla %d", n)}
		if err := e.store.CreateQueue(sys, q); err != nil {
			e.t.Fatal(err)
		}
		p := &desk.SLAPolicy{QueueID: q.ID, FirstResponseMinutes: 30}
		if err := e.store.CreateSLAPolicy(sys, p); err != nil {
			e.t.Fatal(err)
		}
		return p.ID.String()
	})
	fresh("{newTag}", func() string {
		name := fmt.Sprintf("fresh-%d", n)
		if _, err := e.store.CreateTag(sys, name); err != nil {
			e.t.Fatal(err)
		}
		return name
	})
	fresh("{newToken}", func() string {
		tok := &desk.IntegrationToken{Name: "fresh", TokenHash: auth.HashToken(auth.NewToken(auth.IntegrationPrefix))}
		if err := e.store.CreateIntegrationToken(sys, tok); err != nil {
			e.t.Fatal(err)
		}
		return tok.ID.String()
	})
	fresh("{newConvA}", func() string {
		res, err := e.store.IngestMessage(sys, &desk.InboundMessage{Channel: "sms", From: fmt.Sprintf("+1666%d", n), Text: "new", ExternalID: fmt.Sprintf("f%d", n), QueueID: e.queueA})
		if err != nil {
			e.t.Fatal(err)
		}
		return res.Conversation.ID.String()
	})
	fresh("{newCustomer}", func() string {
		c := &desk.Customer{Name: fmt.Sprintf("Fresh %d", n), Contacts: []desk.Contact{{Channel: "sms", Address: fmt.Sprintf("+1777%d", n)}}}
		if err := e.store.CreateCustomer(sys, c); err != nil {
			e.t.Fatal(err)
		}
		return c.ID.String()
	})
	fresh("{newCustomer2}", func() string {
		c := &desk.Customer{Name: fmt.Sprintf("Fresh2 %d", n), Contacts: []desk.Contact{{Channel: "email", Address: fmt.Sprintf("f%d@example.com", n)}}}
		if err := e.store.CreateCustomer(sys, c); err != nil {
			e.t.Fatal(err)
		}
		return c.ID.String()
	})
	fresh("{newStatus}", func() string {
		cs := &desk.CustomStatus{Name: fmt.Sprintf("fresh %d", n)}
		if err := e.store.CreateCustomStatus(sys, cs); err != nil {
			e.t.Fatal(err)
		}
		return cs.ID.String()
	})
	fresh("{newRule}", func() string {
		r := &desk.RoutingRule{Name: fmt.Sprintf("fresh %d", n), Channel: "sms", QueueID: e.queueA}
		if err := e.store.CreateRoutingRule(sys, r); err != nil {
			e.t.Fatal(err)
		}
		return r.ID.String()
	})
	fresh("{newChannel}", func() string {
		var c channelView
		e.do("POST", "/api/v1/channels", e.admin, fmt.Sprintf(`{"kind":"whatsapp","name":"fresh %d","sender":"1666%d",
			"settings":{"phone_number_id":"9%d"},"secrets":{"app_secret":"s","verify_token":"v","access_token":"t"}}`, n, n, n), 201, &c)
		return c.ID.String()
	})
	fresh("{newTemplate}", func() string {
		tp := &desk.Template{Name: fmt.Sprintf("fresh %d", n), Text: "hello"}
		if err := e.store.CreateTemplate(sys, tp); err != nil {
			e.t.Fatal(err)
		}
		return tp.ID.String()
	})
	fresh("{newMacro}", func() string {
		m := &desk.Macro{Name: fmt.Sprintf("fresh %d", n)}
		if err := e.store.CreateMacro(sys, m); err != nil {
			e.t.Fatal(err)
		}
		return m.ID.String()
	})
	fresh("{newForm}", func() string {
		fm := &desk.Form{Name: fmt.Sprintf("fresh %d", n), Fields: []desk.FormField{{Name: "reason", Type: desk.FieldText}}}
		if err := e.store.CreateForm(sys, fm); err != nil {
			e.t.Fatal(err)
		}
		return fm.ID.String()
	})
	fresh("{newCard}", func() string {
		c := &desk.Card{Name: fmt.Sprintf("fresh %d", n), URL: "https://crm.example.com/card", Fields: []desk.CardField{{Name: "plan", Editable: true}}}
		if err := e.store.CreateCard(sys, c); err != nil {
			e.t.Fatal(err)
		}
		return c.ID.String()
	})
	// {assignee}: agents take for themselves, supervisors and admins
	// assign to agent A (a member of queue A).
	assignee := map[string]desk.ID{"other": e.idB, "agent": e.idA, "supervisor": e.idA, "admin": e.idA}[role]
	conv, _ := e.store.FindConversationByID(sys, e.convA)
	customer := ""
	if conv != nil && conv.CustomerID != 0 {
		customer = conv.CustomerID.String()
	}
	return strings.NewReplacer("{role}", role, "{assignee}", assignee.String(), "{n}", fmt.Sprint(n), "{idA}", e.idA.String(), "{idB}", e.idB.String(),
		"{queueA}", e.queueA.String(), "{convA}", e.convA.String(), "{customerA}", customer).Replace(s)
}
