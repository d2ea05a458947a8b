package attach

import (
	"context"
	"time"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// RetryConfig bounds the retries of inbound media downloads that failed
// for a passing reason. Zero fields take the defaults.
type RetryConfig struct {
	// Attempts is how many downloads are tried in all, the webhook's own
	// included (default 6); after the last the file is refused.
	Attempts int
	// Base is the wait before the first retry, doubled before each next
	// one (default 30 s), up to Max (default 30 min).
	Base, Max time.Duration
	// Poll is how often due jobs are looked for (default 5 s).
	Poll time.Duration
	// Lease is how long a claimed job is held before another worker (or
	// this one after a restart) may take it (default 5 min).
	Lease time.Duration
}

func (c *RetryConfig) withDefaults() RetryConfig {
	out := *c
	if out.Attempts <= 0 {
		out.Attempts = 6
	}
	if out.Base <= 0 {
		out.Base = 30 * time.Second
	}
	if out.Max <= 0 {
		out.Max = 30 * time.Minute
	}
	if out.Poll <= 0 {
		out.Poll = 5 * time.Second
	}
	if out.Lease <= 0 {
		out.Lease = 5 * time.Minute
	}
	return out
}

// delay is the wait after the given number of failed attempts: Base,
// 2·Base, 4·Base, ... at most Max.
func (c RetryConfig) delay(failed int) time.Duration {
	d := c.Base
	for i := 1; i < failed && d < c.Max; i++ {
		d *= 2
	}
	return min(d, c.Max)
}

// MediaJobStore is what the Retrier needs of the store (both stores
// have it).
type MediaJobStore interface {
	desk.MediaJobService
	FindChannelByID(ctx context.Context, id desk.ID) (*desk.ChannelConfig, error)
}

// Adapters builds the adapter of a configured channel
// (internal/channel/registry).
type Adapters interface {
	Adapter(cfg *desk.ChannelConfig) (desk.Channel, error)
}

// Retrier runs the media jobs: it fetches pending inbound files again
// through their channel's adapter, with Inbound's checks (D4 limits,
// sniffing), and records each outcome: stored, retried later with
// exponential backoff, or refused with the reason after the last attempt
// or at once when the failure will not pass. Jobs live in the store, so a
// restart loses none.
type Retrier struct {
	Inbound  *Inbound // its Retry configures the backoff
	Jobs     MediaJobStore
	Adapters Adapters
}

// Run retries due jobs every Poll until ctx ends.
func (r *Retrier) Run(ctx context.Context) {
	cfg := r.config()
	t := time.NewTicker(cfg.Poll)
	defer t.Stop()
	for {
		if _, err := r.RunOnce(ctx); err != nil && ctx.Err() == nil {
			r.Inbound.logger().Error("media retries", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RunOnce claims the jobs due now, retries each and returns how many it
// handled.
func (r *Retrier) RunOnce(ctx context.Context) (int, error) {
	cfg := r.config()
	sys := desk.NewContextWithActor(ctx, desk.SystemActor)
	jobs, err := r.Jobs.ClaimMediaJobs(sys, 16, cfg.Lease)
	if err != nil {
		return 0, err
	}
	for _, j := range jobs {
		o := r.retry(sys, cfg, j)
		if err := r.Jobs.FinishMediaJob(sys, o); err != nil {
			return 0, err
		}
	}
	return len(jobs), nil
}

// retry fetches one job's file and says what came of it.
func (r *Retrier) retry(ctx context.Context, cfg RetryConfig, j *desk.MediaJob) desk.MediaOutcome {
	o := desk.MediaOutcome{JobID: j.ID}
	log := r.Inbound.logger().With("attachment_id", j.AttachmentID.String(), "message_id", j.MessageID.String(), "attempt", j.Attempts)
	var ch desk.Channel
	chCfg, err := r.Jobs.FindChannelByID(ctx, j.ChannelID)
	if err == nil {
		ch, err = r.Adapters.Adapter(chCfg)
	}
	if err == nil {
		a := j.Attachment
		if err = r.Inbound.storeOne(ctx, ch, j.Channel, j.MessageType, &a); err == nil {
			o.Result, o.Attachment = desk.MediaStored, a
			log.Info("inbound media stored after a retry")
			return o
		}
	}
	o.Detail = desk.ErrorMessage(err)
	if isPassing(err) && j.Attempts < cfg.Attempts {
		o.Result, o.NextAttemptAt = desk.MediaRetry, r.Inbound.now().Add(cfg.delay(j.Attempts))
		log.Info("inbound media retry failed; trying again", "next_attempt_at", o.NextAttemptAt, "detail", o.Detail)
		return o
	}
	o.Result, o.Reason = desk.MediaFailed, refusal(err)
	log.Warn("inbound media refused", "reason", o.Reason, "detail", o.Detail)
	return o
}

func (r *Retrier) config() RetryConfig {
	if r.Inbound.Retry == nil {
		return (&RetryConfig{}).withDefaults()
	}
	return r.Inbound.Retry.withDefaults()
}
