package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
	"github.com/switchboard-cc/switchboard/internal/presence"
)

// heartbeatGranularity bounds how often a heartbeat writes: activity
// within this of the last recorded one changes nothing worth a write.
const heartbeatGranularity = 5 * time.Second

// SetAgentStatus sets a hand-set status (A2/A4), logs the period for
// utilization and recomputes whether the agent accepts work. Going
// Offline returns the agent's conversations of queues that ask for it.
// What the status does is presence.SetStatus's rule; whose status the
// actor may set, access.CheckAgentStatus's.
func (s *Conversations) SetAgentStatus(ctx context.Context, agentID desk.ID, status string) (*desk.Agent, error) {
	// The agent is read back as the actor after the write: without one,
	// nothing is written.
	if _, err := desk.RequireActor(ctx); err != nil {
		return nil, err
	}
	eff, err := presence.SetStatus(status)
	if err != nil {
		return nil, err
	}
	now := s.now()
	var freed []desk.Change
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if !desk.BuiltinStatus(status) {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM custom_statuses WHERE name = $1`, status).Scan(&n); err != nil {
				return err
			} else if n == 0 {
				return desk.FieldErrorf("status", "status must be available, busy, away, offline or a custom status")
			}
		}
		changed, err := s.changeStatusTx(ctx, tx, agentID, status, micros(now))
		if err != nil || !changed {
			return err
		}
		if eff.Activity {
			if _, err := tx.ExecContext(ctx, `UPDATE agents SET last_seen_at = $1 WHERE id = $2`, micros(now), int64(agentID)); err != nil {
				return err
			}
		}
		if eff.ReturnWork {
			freed, err = s.returnToQueuesTx(ctx, tx, agentID, micros(now))
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	a, err := s.team.FindAgentByID(ctx, agentID)
	if err != nil {
		return nil, err
	}
	s.publish(append(freed, desk.Change{Type: desk.ChangeAgentStatus, AgentID: agentID, QueueIDs: a.QueueIDs, Status: status, At: now})...)
	return a, nil
}

// changeStatusTx moves an agent to status as of at: it closes the running
// status period and opens the next. It reports false when the agent was
// already in status; ENOTFOUND when there is no such agent.
func (s *Conversations) changeStatusTx(ctx context.Context, tx *sql.Tx, agentID desk.ID, status string, at int64) (bool, error) {
	var old string
	err := tx.QueryRowContext(ctx, `SELECT status FROM agents WHERE id = $1`, int64(agentID)).Scan(&old)
	if isNoRows(err) {
		return false, notFound("agent")
	} else if err != nil || old == status {
		return false, err
	}
	// Conditional on the status read: when two nodes change the same agent
	// at once (two inactivity sweepers), one changes it and logs the period.
	res, err := tx.ExecContext(ctx, `UPDATE agents SET status = $1, status_changed_at = $2, updated_at = $2, activity_at = $2 WHERE id = $3 AND status = $4`,
		status, at, int64(agentID), old)
	if err != nil {
		return false, err
	} else if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	if err := refreshAcceptsWorkTx(ctx, tx, `id = $1`, int64(agentID)); err != nil {
		return false, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE agent_status_log SET ended_at = $1 WHERE agent_id = $2 AND ended_at IS NULL`, at, int64(agentID)); err != nil {
		return false, err
	}
	return true, openStatusPeriodTx(ctx, tx, agentID, status, at)
}

// openStatusPeriodTx starts a status period in the utilization log.
func openStatusPeriodTx(ctx context.Context, tx *sql.Tx, agentID desk.ID, status string, at int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO agent_status_log (agent_id, status, started_at) VALUES ($1, $2, $3)`, int64(agentID), status, at)
	return err
}

// returnToQueuesTx unassigns an agent's active conversations in queues set
// to return work when their agent goes Offline, so routing hands them on.
func (s *Conversations) returnToQueuesTx(ctx context.Context, tx *sql.Tx, agentID desk.ID, at int64) ([]desk.Change, error) {
	rows, err := tx.QueryContext(ctx, `SELECT c.id, c.queue_id, c.status FROM conversations c JOIN queues q ON q.id = c.queue_id
		WHERE c.assignee_id = $1 AND c.status IN `+activeStatuses+` AND q.return_on_offline ORDER BY c.id`, int64(agentID))
	if err != nil {
		return nil, err
	}
	var changes []desk.Change
	for rows.Next() {
		ch := desk.Change{Type: desk.ChangeConversationUnassigned, FreedAgentID: agentID, At: fromMicros(at)}
		if err := rows.Scan(&ch.ConversationID, &ch.QueueID, &ch.Status); err != nil {
			rows.Close()
			return nil, err
		}
		changes = append(changes, ch)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, ch := range changes {
		if _, err := tx.ExecContext(ctx, `UPDATE conversations SET assignee_id = NULL, waiting_since = $1, updated_at = $1 WHERE id = $2`,
			at, int64(ch.ConversationID)); err != nil {
			return nil, err
		}
		if err := s.insertEventTx(ctx, tx, ch.ConversationID, desk.EventUnassigned, desk.SystemActor, at,
			map[string]any{"agent_id": agentID.String(), "reason": "agent offline"}); err != nil {
			return nil, err
		}
	}
	if len(changes) > 0 {
		return changes, s.refreshLoadTx(ctx, tx, &agentID)
	}
	return nil, nil
}

// TouchAgent records client activity for the inactivity check (A5). It
// writes at most once per heartbeatGranularity per agent.
func (s *Conversations) TouchAgent(ctx context.Context, agentID desk.ID) error {
	actor, err := desk.RequireActor(ctx)
	if err != nil {
		return err
	} else if actor.AgentID != agentID && !actor.System {
		return desk.Errorf(desk.EFORBIDDEN, "agents report only their own activity")
	}
	now := micros(s.now())
	return s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE agents SET last_seen_at = $1 WHERE id = $2 AND (last_seen_at IS NULL OR last_seen_at < $3)`,
			now, int64(agentID), now-heartbeatGranularity.Microseconds())
		return err
	})
}

// SetCallState records the call lifecycle on presence (A3, I1).
func (s *Conversations) SetCallState(ctx context.Context, agentID desk.ID, state string) (*desk.Agent, error) {
	actor, err := desk.RequireActor(ctx)
	if err != nil {
		return nil, err
	} else if !actor.System {
		return nil, desk.Errorf(desk.EFORBIDDEN, "call states are set by the system")
	}
	if !desk.ValidCallState(state) {
		return nil, desk.FieldErrorf("call_state", "call state must be ringing, in_call, on_hold, wrap_up or empty")
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE agents SET call_state = $1, updated_at = $2, activity_at = $2 WHERE id = $3`, state, micros(s.now()), int64(agentID))
		if err != nil {
			return err
		} else if n, _ := res.RowsAffected(); n == 0 {
			return notFound("agent")
		}
		return refreshAcceptsWorkTx(ctx, tx, `id = $1`, int64(agentID))
	})
	if err != nil {
		return nil, err
	}
	a, err := s.team.FindAgentByID(ctx, agentID)
	if err != nil {
		return nil, err
	}
	s.publish(desk.Change{Type: desk.ChangeAgentStatus, AgentID: agentID, QueueIDs: a.QueueIDs, Status: a.Status, At: s.now()})
	return a, nil
}

// ExpireInactiveAgents sets Offline the Available agents silent for longer
// than timeout (A5). The status period ends when the timeout ran out, not
// when the check ran, so utilization stays right across a server restart.
func (s *Conversations) ExpireInactiveAgents(ctx context.Context, timeout time.Duration) ([]desk.ID, error) {
	actor, err := desk.RequireActor(ctx)
	if err != nil {
		return nil, err
	} else if !actor.System {
		return nil, desk.Errorf(desk.EFORBIDDEN, "only the server expires inactive agents")
	}
	now := s.now()
	cutoff := micros(now) - timeout.Microseconds()
	type stale struct {
		id   desk.ID
		seen int64
	}
	var expired []stale
	var changes []desk.Change
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		// A7: an agent signed in on the installed phone app with a push
		// subscription keeps their status while the phone is locked or the
		// app backgrounded (it cannot send activity then); a browser
		// session keeps the 60 s rule.
		rows, err := tx.QueryContext(ctx, `SELECT id, COALESCE(last_seen_at, status_changed_at, created_at) FROM agents
			WHERE status = 'available' AND COALESCE(last_seen_at, status_changed_at, created_at) < $1
			AND NOT EXISTS (SELECT 1 FROM push_subscriptions p JOIN sessions se ON se.id = p.session_id
				WHERE p.agent_id = agents.id AND se.client = 'mobile')`, cutoff)
		if err != nil {
			return err
		}
		for rows.Next() {
			var st stale
			if err := rows.Scan(&st.id, &st.seen); err != nil {
				rows.Close()
				return err
			}
			expired = append(expired, st)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, st := range expired {
			at := st.seen + timeout.Microseconds()
			if _, err := s.changeStatusTx(ctx, tx, st.id, desk.StatusOffline, at); err != nil {
				return err
			}
			freed, err := s.returnToQueuesTx(ctx, tx, st.id, micros(now))
			if err != nil {
				return err
			}
			changes = append(changes, freed...)
			changes = append(changes, desk.Change{Type: desk.ChangeAgentStatus, AgentID: st.id, Status: desk.StatusOffline, At: fromMicros(at)})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.publish(changes...)
	ids := make([]desk.ID, len(expired))
	for i, st := range expired {
		ids[i] = st.id
	}
	return ids, nil
}
