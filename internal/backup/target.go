package backup

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/switchboard-cc/switchboard/internal/blob"
)

// Target is where backups go: a folder or an S3-compatible bucket (under
// a key prefix).
type Target interface {
	// Put stores the file at path as the backup name.
	Put(ctx context.Context, name, path string) error
	// Open returns the backup name's bytes.
	Open(ctx context.Context, name string) (io.ReadCloser, error)
	// List returns the names of the backups, oldest first.
	List(ctx context.Context) ([]string, error)
	// Remove deletes the backup name.
	Remove(ctx context.Context, name string) error
	// String names the target for logs (never credentials).
	String() string
}

// Name is a backup's name for the time t: sorting names sorts by time.
func Name(t time.Time) string {
	return "switchboard-" + t.UTC().Format("20060102T150405.000Z") + ".tar.zst"
}

func isBackupName(n string) bool {
	return strings.HasPrefix(n, "switchboard-") && strings.HasSuffix(n, ".tar.zst")
}

// ParseLocation splits a backup location into its target and, when it
// names one backup rather than a folder or prefix, that backup's name.
// Locations are a path ("/backups/", "/backups/x.tar.zst") or an S3 URL
// ("s3://bucket/prefix/", "s3://bucket/prefix/x.tar.zst") reached with
// the endpoint and keys of s3 (its bucket is ignored).
func ParseLocation(ctx context.Context, loc string, s3 blob.S3Config) (Target, string, error) {
	if loc == "" {
		return nil, "", fmt.Errorf("no backup location")
	}
	if rest, ok := strings.CutPrefix(loc, "s3://"); ok {
		bucket, key, _ := strings.Cut(rest, "/")
		if bucket == "" {
			return nil, "", fmt.Errorf("backup location %q: no bucket", loc)
		}
		prefix, name := key, ""
		if key != "" && !strings.HasSuffix(key, "/") {
			i := strings.LastIndex(key, "/")
			prefix, name = key[:i+1], key[i+1:]
		}
		t, err := newS3Target(ctx, s3, bucket, prefix)
		return t, name, err
	}
	if st, err := os.Stat(loc); (err == nil && st.IsDir()) || strings.HasSuffix(loc, "/") {
		return dirTarget(filepath.Clean(loc)), "", nil
	}
	return dirTarget(filepath.Dir(loc)), filepath.Base(loc), nil
}

// dirTarget keeps backups as files of one folder.
type dirTarget string

func (d dirTarget) String() string { return string(d) }

func (d dirTarget) Put(ctx context.Context, name, path string) error {
	if err := os.MkdirAll(string(d), 0o750); err != nil {
		return err
	}
	dst := filepath.Join(string(d), name)
	if err := os.Rename(path, dst); err == nil {
		return nil
	}
	// Another file system: copy, then rename into place.
	in, err := os.Open(path)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.CreateTemp(string(d), ".partial-")
	if err != nil {
		return err
	}
	defer os.Remove(out.Name())
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	return os.Rename(out.Name(), dst)
}

func (d dirTarget) Open(ctx context.Context, name string) (io.ReadCloser, error) {
	return os.Open(filepath.Join(string(d), name))
}

func (d dirTarget) List(ctx context.Context) ([]string, error) {
	entries, err := os.ReadDir(string(d))
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if e.Type().IsRegular() && isBackupName(e.Name()) {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names, nil
}

func (d dirTarget) Remove(ctx context.Context, name string) error {
	return os.Remove(filepath.Join(string(d), name))
}

// s3Target keeps backups as objects under a prefix of a bucket.
type s3Target struct {
	client         *minio.Client
	bucket, prefix string
}

func newS3Target(ctx context.Context, cfg blob.S3Config, bucket, prefix string) (*s3Target, error) {
	u, err := url.Parse(cfg.Endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("an s3:// backup location needs --s3-endpoint http(s)://host[:port]")
	}
	client, err := minio.New(u.Host, &minio.Options{
		Creds:  credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure: u.Scheme == "https",
		Region: cfg.Region,
	})
	if err != nil {
		return nil, err
	}
	ok, err := client.BucketExists(ctx, bucket)
	if err != nil {
		return nil, fmt.Errorf("backup bucket %s: %w", bucket, err)
	}
	if !ok {
		if err := client.MakeBucket(ctx, bucket, minio.MakeBucketOptions{Region: cfg.Region}); err != nil {
			return nil, fmt.Errorf("create backup bucket %s: %w", bucket, err)
		}
	}
	return &s3Target{client: client, bucket: bucket, prefix: prefix}, nil
}

func (s *s3Target) String() string { return "s3://" + s.bucket + "/" + s.prefix }

func (s *s3Target) Put(ctx context.Context, name, path string) error {
	_, err := s.client.FPutObject(ctx, s.bucket, s.prefix+name, path, minio.PutObjectOptions{ContentType: "application/zstd"})
	return err
}

func (s *s3Target) Open(ctx context.Context, name string) (io.ReadCloser, error) {
	obj, err := s.client.GetObject(ctx, s.bucket, s.prefix+name, minio.GetObjectOptions{})
	if err != nil {
		return nil, err
	}
	if _, err := obj.Stat(); err != nil {
		obj.Close()
		return nil, fmt.Errorf("backup %s: %w", name, err)
	}
	return obj, nil
}

func (s *s3Target) List(ctx context.Context) ([]string, error) {
	var names []string
	for obj := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: s.prefix}) {
		if obj.Err != nil {
			return nil, obj.Err
		}
		n := strings.TrimPrefix(obj.Key, s.prefix)
		if isBackupName(n) {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names, nil
}

func (s *s3Target) Remove(ctx context.Context, name string) error {
	return s.client.RemoveObject(ctx, s.bucket, s.prefix+name, minio.RemoveObjectOptions{})
}
