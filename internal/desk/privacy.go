package desk

import (
	"context"
	"time"
)

// AuditCustomerErased and AuditCustomerExported record who erased or
// exported which customer, and when — never what (issue 24).
const (
	AuditCustomerErased   = "customer_erased"
	AuditCustomerExported = "customer_exported"
)

// CustomerErasure is what erasing a customer removed from the database;
// the files it names are the caller's to delete from their stores.
type CustomerErasure struct {
	CustomerID    ID  `json:"customer_id"`
	Conversations int `json:"conversations"`
	Messages      int `json:"messages"`
	Files         int `json:"files"`
	// BlobKeys are the attachments' keys in the blob store; Recordings
	// the call recordings' file paths.
	BlobKeys   []string `json:"-"`
	Recordings []string `json:"-"`
}

// CustomerExport is everything stored about one customer, as rows per
// table (machine-readable, GDPR article 20), and the files to add.
type CustomerExport struct {
	CustomerID ID                          `json:"customer_id"`
	ExportedAt time.Time                   `json:"exported_at"`
	Tables     map[string][]map[string]any `json:"tables"`
	Files      []ExportFile                `json:"files"`
}

// ExportFile is one attachment or recording of an export.
type ExportFile struct {
	// Name is its path inside the archive.
	Name string `json:"name"`
	// BlobKey (attachments) or Path (recordings) locates its bytes.
	BlobKey string `json:"-"`
	Path    string `json:"-"`
}

// RetentionPolicy is how long one queue keeps closed conversations:
// ClosedDays after closing the conversation and everything in it is
// deleted; FileDays after closing its files are (0: kept).
type RetentionPolicy struct {
	QueueID    ID  `json:"queue_id"`
	ClosedDays int `json:"closed_days"`
	FileDays   int `json:"file_days"`
}

// RetentionResult counts what a retention run deleted, or in a dry run
// would delete; the files it names are the caller's to delete.
type RetentionResult struct {
	Conversations int      `json:"conversations"`
	Files         int      `json:"files"`
	BlobKeys      []string `json:"-"`
	Recordings    []string `json:"-"`
}

// PrivacyStore erases and exports customers' data and applies the
// queues' retention policies. Every method but ApplyRetention requires an
// admin; ApplyRetention is the system's background job.
type PrivacyStore interface {
	// EraseCustomer deletes the customer's messages, notes, files,
	// contacts, survey answers and search entries, and keeps their
	// conversations and customer record as anonymised shells; ENOTFOUND
	// if there is no such customer.
	EraseCustomer(ctx context.Context, id ID) (*CustomerErasure, error)
	// ExportCustomer returns everything stored about the customer.
	ExportCustomer(ctx context.Context, id ID) (*CustomerExport, error)
	// SetRetentionPolicy sets a queue's policy (days ≥ 0); ENOTFOUND if
	// there is no such queue.
	SetRetentionPolicy(ctx context.Context, p RetentionPolicy) error
	// FindRetentionPolicies lists the queues' policies.
	FindRetentionPolicies(ctx context.Context) ([]RetentionPolicy, error)
	// ApplyRetention deletes what the policies say is due at now, or only
	// counts it when dryRun.
	ApplyRetention(ctx context.Context, now time.Time, dryRun bool) (*RetentionResult, error)
}
