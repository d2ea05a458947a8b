package desk

import (
	"context"
	"time"
)

// ChangeMessageUpdated announces that a stored message changed after it
// was created: a pending inbound file arrived or was given up on, a reply
// failed to send or a provider's receipt moved its delivery state.
const ChangeMessageUpdated = "message.updated"

// MediaJob is a claimed retry of one inbound file whose download failed
// for a passing reason (issue 5), leased to one worker until its lease
// ends.
type MediaJob struct {
	ID             ID
	AttachmentID   ID
	MessageID      ID
	ConversationID ID
	ChannelID      ID
	// Channel and MessageType choose the D4 limit the file is held to.
	Channel     string
	MessageType string
	// Attempts counts the downloads tried, this one included (the first
	// was the webhook's own).
	Attempts int
	// Attachment is the file as the provider described it (name, URL or
	// media ID).
	Attachment Attachment
}

// Outcomes of a media retry.
const (
	MediaStored = "stored" // the bytes are stored; the file is served
	MediaRetry  = "retry"  // a passing failure again; try at NextAttemptAt
	MediaFailed = "failed" // given up: the file is refused with Reason
)

// MediaOutcome is what a worker learned from one retry.
type MediaOutcome struct {
	JobID  ID
	Result string // one of the Media* outcomes
	// Attachment is the stored file (name, content type, size, blob key)
	// for MediaStored.
	Attachment Attachment
	// Reason is the refusal code for MediaFailed (media_unavailable,
	// media_too_large, media_type_not_allowed); Detail says what happened
	// (kept on the job, never shown to customers).
	Reason        string
	Detail        string
	NextAttemptAt time.Time
}

// MediaJobService hands inbound media retries to workers. A job is
// written with its message, in the ingest transaction, for every
// attachment ingested Pending; claims are leases, so a job whose worker
// died (or whose server restarted) is claimed again when its lease ends.
type MediaJobService interface {
	// ClaimMediaJobs leases up to limit due jobs for lease, counting an
	// attempt on each (system only).
	ClaimMediaJobs(ctx context.Context, limit int, lease time.Duration) ([]*MediaJob, error)
	// FinishMediaJob records an outcome: stored or failed updates the
	// attachment (no longer pending) and announces ChangeMessageUpdated
	// after commit; retry reschedules. ENOTFOUND if the job is not
	// pending (system only).
	FinishMediaJob(ctx context.Context, o MediaOutcome) error
}
