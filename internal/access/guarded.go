package access

import (
	"context"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/report"
)

// The methods below are the store's operations that need a role: each
// checks the actor against its line in Rules (rules.go), then calls the
// store. They differ only in signature; the rule is the table's.

// Activity requires Rules["Activity"] of the actor, then delegates.
func (g *Guard) Activity(ctx context.Context, from, to time.Time, agentID *desk.ID, timeline bool) ([]*desk.AgentActivity, error) {
	if err := g.require(ctx, "Activity"); err != nil {
		return nil, err
	}
	return g.Store.Activity(ctx, from, to, agentID, timeline)
}

// AddQueueMember requires Rules["AddQueueMember"] of the actor, then delegates.
func (g *Guard) AddQueueMember(ctx context.Context, queueID, agentID desk.ID) error {
	if err := g.require(ctx, "AddQueueMember"); err != nil {
		return err
	}
	return g.Store.AddQueueMember(ctx, queueID, agentID)
}

// ApplyRetention requires Rules["ApplyRetention"] of the actor, then delegates.
func (g *Guard) ApplyRetention(ctx context.Context, now time.Time, dryRun bool) (*desk.RetentionResult, error) {
	if err := g.require(ctx, "ApplyRetention"); err != nil {
		return nil, err
	}
	return g.Store.ApplyRetention(ctx, now, dryRun)
}

// CreateAgent requires Rules["CreateAgent"] of the actor, then delegates.
func (g *Guard) CreateAgent(ctx context.Context, a *desk.Agent) error {
	if err := g.require(ctx, "CreateAgent"); err != nil {
		return err
	}
	return g.Store.CreateAgent(ctx, a)
}

// CreateCalendar requires Rules["CreateCalendar"] of the actor, then delegates.
func (g *Guard) CreateCalendar(ctx context.Context, c *desk.BusinessCalendar) error {
	if err := g.require(ctx, "CreateCalendar"); err != nil {
		return err
	}
	return g.Store.CreateCalendar(ctx, c)
}

// CreateCard requires Rules["CreateCard"] of the actor, then delegates.
func (g *Guard) CreateCard(ctx context.Context, c *desk.Card) error {
	if err := g.require(ctx, "CreateCard"); err != nil {
		return err
	}
	return g.Store.CreateCard(ctx, c)
}

// CreateChannel requires Rules["CreateChannel"] of the actor, then delegates.
func (g *Guard) CreateChannel(ctx context.Context, c *desk.ChannelConfig) error {
	if err := g.require(ctx, "CreateChannel"); err != nil {
		return err
	}
	return g.Store.CreateChannel(ctx, c)
}

// CreateCustomStatus requires Rules["CreateCustomStatus"] of the actor, then delegates.
func (g *Guard) CreateCustomStatus(ctx context.Context, c *desk.CustomStatus) error {
	if err := g.require(ctx, "CreateCustomStatus"); err != nil {
		return err
	}
	return g.Store.CreateCustomStatus(ctx, c)
}

// CreateForm requires Rules["CreateForm"] of the actor, then delegates.
func (g *Guard) CreateForm(ctx context.Context, f *desk.Form) error {
	if err := g.require(ctx, "CreateForm"); err != nil {
		return err
	}
	return g.Store.CreateForm(ctx, f)
}

// CreateIntegrationToken requires Rules["CreateIntegrationToken"] of the actor, then delegates.
func (g *Guard) CreateIntegrationToken(ctx context.Context, t *desk.IntegrationToken) error {
	if err := g.require(ctx, "CreateIntegrationToken"); err != nil {
		return err
	}
	return g.Store.CreateIntegrationToken(ctx, t)
}

// CreateMacro requires Rules["CreateMacro"] of the actor, then delegates.
func (g *Guard) CreateMacro(ctx context.Context, m *desk.Macro) error {
	if err := g.require(ctx, "CreateMacro"); err != nil {
		return err
	}
	return g.Store.CreateMacro(ctx, m)
}

// CreateQueue requires Rules["CreateQueue"] of the actor, then delegates.
func (g *Guard) CreateQueue(ctx context.Context, q *desk.Queue) error {
	if err := g.require(ctx, "CreateQueue"); err != nil {
		return err
	}
	return g.Store.CreateQueue(ctx, q)
}

// CreateRoutingRule requires Rules["CreateRoutingRule"] of the actor, then delegates.
func (g *Guard) CreateRoutingRule(ctx context.Context, r *desk.RoutingRule) error {
	if err := g.require(ctx, "CreateRoutingRule"); err != nil {
		return err
	}
	return g.Store.CreateRoutingRule(ctx, r)
}

// CreateSLAPolicy requires Rules["CreateSLAPolicy"] of the actor, then delegates.
func (g *Guard) CreateSLAPolicy(ctx context.Context, p *desk.SLAPolicy) error {
	if err := g.require(ctx, "CreateSLAPolicy"); err != nil {
		return err
	}
	return g.Store.CreateSLAPolicy(ctx, p)
}

// CreateTag requires Rules["CreateTag"] of the actor, then delegates.
func (g *Guard) CreateTag(ctx context.Context, name string) (*desk.Tag, error) {
	if err := g.require(ctx, "CreateTag"); err != nil {
		return nil, err
	}
	return g.Store.CreateTag(ctx, name)
}

// CreateTemplate requires Rules["CreateTemplate"] of the actor, then delegates.
func (g *Guard) CreateTemplate(ctx context.Context, t *desk.Template) error {
	if err := g.require(ctx, "CreateTemplate"); err != nil {
		return err
	}
	return g.Store.CreateTemplate(ctx, t)
}

// DeleteCalendar requires Rules["DeleteCalendar"] of the actor, then delegates.
func (g *Guard) DeleteCalendar(ctx context.Context, id desk.ID) error {
	if err := g.require(ctx, "DeleteCalendar"); err != nil {
		return err
	}
	return g.Store.DeleteCalendar(ctx, id)
}

// DeleteCard requires Rules["DeleteCard"] of the actor, then delegates.
func (g *Guard) DeleteCard(ctx context.Context, id desk.ID) error {
	if err := g.require(ctx, "DeleteCard"); err != nil {
		return err
	}
	return g.Store.DeleteCard(ctx, id)
}

// DeleteChannel requires Rules["DeleteChannel"] of the actor, then delegates.
func (g *Guard) DeleteChannel(ctx context.Context, id desk.ID) error {
	if err := g.require(ctx, "DeleteChannel"); err != nil {
		return err
	}
	return g.Store.DeleteChannel(ctx, id)
}

// DeleteCustomStatus requires Rules["DeleteCustomStatus"] of the actor, then delegates.
func (g *Guard) DeleteCustomStatus(ctx context.Context, id desk.ID) error {
	if err := g.require(ctx, "DeleteCustomStatus"); err != nil {
		return err
	}
	return g.Store.DeleteCustomStatus(ctx, id)
}

// DeleteForm requires Rules["DeleteForm"] of the actor, then delegates.
func (g *Guard) DeleteForm(ctx context.Context, id desk.ID) error {
	if err := g.require(ctx, "DeleteForm"); err != nil {
		return err
	}
	return g.Store.DeleteForm(ctx, id)
}

// DeleteIntegrationToken requires Rules["DeleteIntegrationToken"] of the actor, then delegates.
func (g *Guard) DeleteIntegrationToken(ctx context.Context, id desk.ID) error {
	if err := g.require(ctx, "DeleteIntegrationToken"); err != nil {
		return err
	}
	return g.Store.DeleteIntegrationToken(ctx, id)
}

// DeleteMacro requires Rules["DeleteMacro"] of the actor, then delegates.
func (g *Guard) DeleteMacro(ctx context.Context, id desk.ID) error {
	if err := g.require(ctx, "DeleteMacro"); err != nil {
		return err
	}
	return g.Store.DeleteMacro(ctx, id)
}

// DeleteQueue requires Rules["DeleteQueue"] of the actor, then delegates.
func (g *Guard) DeleteQueue(ctx context.Context, id desk.ID) error {
	if err := g.require(ctx, "DeleteQueue"); err != nil {
		return err
	}
	return g.Store.DeleteQueue(ctx, id)
}

// DeleteRoutingRule requires Rules["DeleteRoutingRule"] of the actor, then delegates.
func (g *Guard) DeleteRoutingRule(ctx context.Context, id desk.ID) error {
	if err := g.require(ctx, "DeleteRoutingRule"); err != nil {
		return err
	}
	return g.Store.DeleteRoutingRule(ctx, id)
}

// DeleteSLAPolicy requires Rules["DeleteSLAPolicy"] of the actor, then delegates.
func (g *Guard) DeleteSLAPolicy(ctx context.Context, id desk.ID) error {
	if err := g.require(ctx, "DeleteSLAPolicy"); err != nil {
		return err
	}
	return g.Store.DeleteSLAPolicy(ctx, id)
}

// DeleteTag requires Rules["DeleteTag"] of the actor, then delegates.
func (g *Guard) DeleteTag(ctx context.Context, name string) error {
	if err := g.require(ctx, "DeleteTag"); err != nil {
		return err
	}
	return g.Store.DeleteTag(ctx, name)
}

// DeleteTemplate requires Rules["DeleteTemplate"] of the actor, then delegates.
func (g *Guard) DeleteTemplate(ctx context.Context, id desk.ID) error {
	if err := g.require(ctx, "DeleteTemplate"); err != nil {
		return err
	}
	return g.Store.DeleteTemplate(ctx, id)
}

// EraseCustomer requires Rules["EraseCustomer"] of the actor, then delegates.
func (g *Guard) EraseCustomer(ctx context.Context, id desk.ID) (*desk.CustomerErasure, error) {
	if err := g.require(ctx, "EraseCustomer"); err != nil {
		return nil, err
	}
	return g.Store.EraseCustomer(ctx, id)
}

// ExportCustomer requires Rules["ExportCustomer"] of the actor, then delegates.
func (g *Guard) ExportCustomer(ctx context.Context, id desk.ID) (*desk.CustomerExport, error) {
	if err := g.require(ctx, "ExportCustomer"); err != nil {
		return nil, err
	}
	return g.Store.ExportCustomer(ctx, id)
}

// FindAuditEntries requires Rules["FindAuditEntries"] of the actor, then delegates.
func (g *Guard) FindAuditEntries(ctx context.Context, f desk.AuditFilter) ([]*desk.AuditEntry, string, error) {
	if err := g.require(ctx, "FindAuditEntries"); err != nil {
		return nil, "", err
	}
	return g.Store.FindAuditEntries(ctx, f)
}

// FindCardByID requires Rules["FindCardByID"] of the actor, then delegates.
func (g *Guard) FindCardByID(ctx context.Context, id desk.ID) (*desk.Card, error) {
	if err := g.require(ctx, "FindCardByID"); err != nil {
		return nil, err
	}
	return g.Store.FindCardByID(ctx, id)
}

// FindCards requires Rules["FindCards"] of the actor, then delegates.
func (g *Guard) FindCards(ctx context.Context) ([]*desk.Card, error) {
	if err := g.require(ctx, "FindCards"); err != nil {
		return nil, err
	}
	return g.Store.FindCards(ctx)
}

// FindChannelByID requires Rules["FindChannelByID"] of the actor, then delegates.
func (g *Guard) FindChannelByID(ctx context.Context, id desk.ID) (*desk.ChannelConfig, error) {
	if err := g.require(ctx, "FindChannelByID"); err != nil {
		return nil, err
	}
	return g.Store.FindChannelByID(ctx, id)
}

// FindChannelBySender requires Rules["FindChannelBySender"] of the actor, then delegates.
func (g *Guard) FindChannelBySender(ctx context.Context, kind, sender string) (*desk.ChannelConfig, error) {
	if err := g.require(ctx, "FindChannelBySender"); err != nil {
		return nil, err
	}
	return g.Store.FindChannelBySender(ctx, kind, sender)
}

// FindChannels requires Rules["FindChannels"] of the actor, then delegates.
func (g *Guard) FindChannels(ctx context.Context) ([]*desk.ChannelConfig, error) {
	if err := g.require(ctx, "FindChannels"); err != nil {
		return nil, err
	}
	return g.Store.FindChannels(ctx)
}

// FindDeadLetters requires Rules["FindDeadLetters"] of the actor, then delegates.
func (g *Guard) FindDeadLetters(ctx context.Context, f desk.DeadLetterFilter) ([]*desk.DeadLetter, string, error) {
	if err := g.require(ctx, "FindDeadLetters"); err != nil {
		return nil, "", err
	}
	return g.Store.FindDeadLetters(ctx, f)
}

// FindDuplicateCustomers requires Rules["FindDuplicateCustomers"] of the actor, then delegates.
func (g *Guard) FindDuplicateCustomers(ctx context.Context, limit int) ([]*desk.DuplicateCustomers, error) {
	if err := g.require(ctx, "FindDuplicateCustomers"); err != nil {
		return nil, err
	}
	return g.Store.FindDuplicateCustomers(ctx, limit)
}

// FindIntegrationTokens requires Rules["FindIntegrationTokens"] of the actor, then delegates.
func (g *Guard) FindIntegrationTokens(ctx context.Context) ([]*desk.IntegrationToken, error) {
	if err := g.require(ctx, "FindIntegrationTokens"); err != nil {
		return nil, err
	}
	return g.Store.FindIntegrationTokens(ctx)
}

// FindReportCells requires Rules["FindReportCells"] of the actor, then delegates.
func (g *Guard) FindReportCells(ctx context.Context, q report.CellQuery) ([]report.RawCell, error) {
	if err := g.require(ctx, "FindReportCells"); err != nil {
		return nil, err
	}
	return g.Store.FindReportCells(ctx, q)
}

// FindReportFacts requires Rules["FindReportFacts"] of the actor, then delegates.
func (g *Guard) FindReportFacts(ctx context.Context, rf desk.ReportFilter) ([]*desk.ReportFact, error) {
	if err := g.require(ctx, "FindReportFacts"); err != nil {
		return nil, err
	}
	return g.Store.FindReportFacts(ctx, rf)
}

// FindRetentionPolicies requires Rules["FindRetentionPolicies"] of the actor, then delegates.
func (g *Guard) FindRetentionPolicies(ctx context.Context) ([]desk.RetentionPolicy, error) {
	if err := g.require(ctx, "FindRetentionPolicies"); err != nil {
		return nil, err
	}
	return g.Store.FindRetentionPolicies(ctx)
}

// RemoveQueueMember requires Rules["RemoveQueueMember"] of the actor, then delegates.
func (g *Guard) RemoveQueueMember(ctx context.Context, queueID, agentID desk.ID) error {
	if err := g.require(ctx, "RemoveQueueMember"); err != nil {
		return err
	}
	return g.Store.RemoveQueueMember(ctx, queueID, agentID)
}

// ReportRollupsReady requires Rules["ReportRollupsReady"] of the actor, then delegates.
func (g *Guard) ReportRollupsReady(ctx context.Context) (bool, error) {
	if err := g.require(ctx, "ReportRollupsReady"); err != nil {
		return false, err
	}
	return g.Store.ReportRollupsReady(ctx)
}

// SetOutOfHours requires Rules["SetOutOfHours"] of the actor, then delegates.
func (g *Guard) SetOutOfHours(ctx context.Context, o *desk.OutOfHours) error {
	if err := g.require(ctx, "SetOutOfHours"); err != nil {
		return err
	}
	return g.Store.SetOutOfHours(ctx, o)
}

// SetQueueCalendar requires Rules["SetQueueCalendar"] of the actor, then delegates.
func (g *Guard) SetQueueCalendar(ctx context.Context, queueID desk.ID, calendarID *desk.ID) error {
	if err := g.require(ctx, "SetQueueCalendar"); err != nil {
		return err
	}
	return g.Store.SetQueueCalendar(ctx, queueID, calendarID)
}

// SetRetentionPolicy requires Rules["SetRetentionPolicy"] of the actor, then delegates.
func (g *Guard) SetRetentionPolicy(ctx context.Context, p desk.RetentionPolicy) error {
	if err := g.require(ctx, "SetRetentionPolicy"); err != nil {
		return err
	}
	return g.Store.SetRetentionPolicy(ctx, p)
}

// UpdateCalendar requires Rules["UpdateCalendar"] of the actor, then delegates.
func (g *Guard) UpdateCalendar(ctx context.Context, c *desk.BusinessCalendar) error {
	if err := g.require(ctx, "UpdateCalendar"); err != nil {
		return err
	}
	return g.Store.UpdateCalendar(ctx, c)
}

// UpdateCard requires Rules["UpdateCard"] of the actor, then delegates.
func (g *Guard) UpdateCard(ctx context.Context, id desk.ID, upd desk.CardUpdate) (*desk.Card, error) {
	if err := g.require(ctx, "UpdateCard"); err != nil {
		return nil, err
	}
	return g.Store.UpdateCard(ctx, id, upd)
}

// UpdateChannel requires Rules["UpdateChannel"] of the actor, then delegates.
func (g *Guard) UpdateChannel(ctx context.Context, id desk.ID, upd desk.ChannelUpdate) (*desk.ChannelConfig, error) {
	if err := g.require(ctx, "UpdateChannel"); err != nil {
		return nil, err
	}
	return g.Store.UpdateChannel(ctx, id, upd)
}

// UpdateCustomStatus requires Rules["UpdateCustomStatus"] of the actor, then delegates.
func (g *Guard) UpdateCustomStatus(ctx context.Context, id desk.ID, upd desk.CustomStatusUpdate) (*desk.CustomStatus, error) {
	if err := g.require(ctx, "UpdateCustomStatus"); err != nil {
		return nil, err
	}
	return g.Store.UpdateCustomStatus(ctx, id, upd)
}

// UpdateForm requires Rules["UpdateForm"] of the actor, then delegates.
func (g *Guard) UpdateForm(ctx context.Context, id desk.ID, upd desk.FormUpdate) (*desk.Form, error) {
	if err := g.require(ctx, "UpdateForm"); err != nil {
		return nil, err
	}
	return g.Store.UpdateForm(ctx, id, upd)
}

// UpdateMacro requires Rules["UpdateMacro"] of the actor, then delegates.
func (g *Guard) UpdateMacro(ctx context.Context, id desk.ID, upd desk.MacroUpdate) (*desk.Macro, error) {
	if err := g.require(ctx, "UpdateMacro"); err != nil {
		return nil, err
	}
	return g.Store.UpdateMacro(ctx, id, upd)
}

// UpdateQueue requires Rules["UpdateQueue"] of the actor, then delegates.
func (g *Guard) UpdateQueue(ctx context.Context, id desk.ID, upd desk.QueueUpdate) (*desk.Queue, error) {
	if err := g.require(ctx, "UpdateQueue"); err != nil {
		return nil, err
	}
	return g.Store.UpdateQueue(ctx, id, upd)
}

// UpdateRoutingRule requires Rules["UpdateRoutingRule"] of the actor, then delegates.
func (g *Guard) UpdateRoutingRule(ctx context.Context, id desk.ID, upd desk.RoutingRuleUpdate) (*desk.RoutingRule, error) {
	if err := g.require(ctx, "UpdateRoutingRule"); err != nil {
		return nil, err
	}
	return g.Store.UpdateRoutingRule(ctx, id, upd)
}

// UpdateTemplate requires Rules["UpdateTemplate"] of the actor, then delegates.
func (g *Guard) UpdateTemplate(ctx context.Context, id desk.ID, upd desk.TemplateUpdate) (*desk.Template, error) {
	if err := g.require(ctx, "UpdateTemplate"); err != nil {
		return nil, err
	}
	return g.Store.UpdateTemplate(ctx, id, upd)
}

// UpdateTransferPolicy requires Rules["UpdateTransferPolicy"] of the actor, then delegates.
func (g *Guard) UpdateTransferPolicy(ctx context.Context, p *desk.TransferPolicy) error {
	if err := g.require(ctx, "UpdateTransferPolicy"); err != nil {
		return err
	}
	return g.Store.UpdateTransferPolicy(ctx, p)
}

// UpdateTwoFactorPolicy requires Rules["UpdateTwoFactorPolicy"] of the actor, then delegates.
func (g *Guard) UpdateTwoFactorPolicy(ctx context.Context, p *desk.TwoFactorPolicy) error {
	if err := g.require(ctx, "UpdateTwoFactorPolicy"); err != nil {
		return err
	}
	return g.Store.UpdateTwoFactorPolicy(ctx, p)
}

// Utilization requires Rules["Utilization"] of the actor, then delegates.
func (g *Guard) Utilization(ctx context.Context, from, to time.Time) ([]*desk.Utilization, error) {
	if err := g.require(ctx, "Utilization"); err != nil {
		return nil, err
	}
	return g.Store.Utilization(ctx, from, to)
}

// WallboardData requires Rules["WallboardData"] of the actor, then delegates.
func (g *Guard) WallboardData(ctx context.Context, ids []desk.ID, since time.Time) (*desk.WallboardData, error) {
	if err := g.require(ctx, "WallboardData"); err != nil {
		return nil, err
	}
	return g.Store.WallboardData(ctx, ids, since)
}
