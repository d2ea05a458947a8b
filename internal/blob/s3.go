package blob

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"strings"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/switchboard-cc/switchboard/internal/desk"
)

// S3Config locates a bucket of an S3-compatible object store (AWS S3,
// MinIO, versitygw, Ceph RGW, ...).
type S3Config struct {
	// Endpoint is the store's URL, http:// or https://, e.g.
	// https://s3.eu-west-1.amazonaws.com or http://127.0.0.1:7070.
	Endpoint  string
	Bucket    string
	AccessKey string
	// SecretKey signs requests; it is never logged (see LogValue).
	SecretKey string
	// Region is the bucket's region; empty lets the client discover it.
	Region string
}

// Enabled reports whether an S3 store is configured at all.
func (c S3Config) Enabled() bool { return c.Endpoint != "" || c.Bucket != "" }

// LogValue keeps the secret key out of logs when a config is logged.
func (c S3Config) LogValue() slog.Value {
	return slog.GroupValue(slog.String("endpoint", c.Endpoint), slog.String("bucket", c.Bucket),
		slog.String("access_key", c.AccessKey), slog.String("region", c.Region))
}

// S3 stores blobs as objects of one bucket, under Prefix (so that several
// kinds of files can share a bucket, as they share the data folder).
type S3 struct {
	client *minio.Client
	bucket string
	prefix string
}

var _ desk.BlobStore = (*S3)(nil)

// NewS3 connects to the bucket, creating it when it does not exist, and
// stores objects under prefix (e.g. "attachments/").
func NewS3(ctx context.Context, cfg S3Config, prefix string) (*S3, error) {
	if cfg.Endpoint == "" || cfg.Bucket == "" {
		return nil, fmt.Errorf("s3: both an endpoint and a bucket are needed")
	}
	u, err := url.Parse(cfg.Endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
		return nil, fmt.Errorf("s3: the endpoint must be an http(s)://host[:port] URL")
	}
	if (cfg.AccessKey == "") != (cfg.SecretKey == "") {
		return nil, fmt.Errorf("s3: give both the access key and the secret key, or neither")
	}
	client, err := minio.New(u.Host, &minio.Options{
		Creds:  credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure: u.Scheme == "https",
		Region: cfg.Region,
	})
	if err != nil {
		return nil, fmt.Errorf("s3: %w", err)
	}
	ok, err := client.BucketExists(ctx, cfg.Bucket)
	if err != nil {
		return nil, fmt.Errorf("s3: bucket %s: %w", cfg.Bucket, err)
	}
	if !ok {
		if err := client.MakeBucket(ctx, cfg.Bucket, minio.MakeBucketOptions{Region: cfg.Region}); err != nil {
			return nil, fmt.Errorf("s3: create bucket %s: %w", cfg.Bucket, err)
		}
	}
	return &S3{client: client, bucket: cfg.Bucket, prefix: strings.TrimLeft(prefix, "/")}, nil
}

func (s *S3) object(key string) (string, error) {
	if err := checkKey(key); err != nil {
		return "", err
	}
	return s.prefix + key, nil
}

// Put spools r to a temporary file first, so that an upload over max is
// refused before anything reaches the bucket and the object is written in
// one request of known size: a reader never sees half an object.
func (s *S3) Put(ctx context.Context, key string, r io.Reader, max int64) (int64, error) {
	name, err := s.object(key)
	if err != nil {
		return 0, err
	}
	tmp, err := os.CreateTemp("", "switchboard-upload-*")
	if err != nil {
		return 0, err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	n, err := io.Copy(tmp, io.LimitReader(r, max+1))
	if err != nil {
		return 0, err
	}
	if n > max {
		return 0, tooLarge(max)
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return 0, err
	}
	if _, err := s.client.PutObject(ctx, s.bucket, name, tmp, n, minio.PutObjectOptions{ContentType: "application/octet-stream"}); err != nil {
		return 0, fmt.Errorf("s3 put: %w", err)
	}
	return n, nil
}

// Open returns the object's bytes, or ENOTFOUND.
func (s *S3) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	name, err := s.object(key)
	if err != nil {
		return nil, err
	}
	obj, err := s.client.GetObject(ctx, s.bucket, name, minio.GetObjectOptions{})
	if err != nil {
		return nil, fmt.Errorf("s3 get: %w", err)
	}
	// GetObject is lazy: Stat makes the request and tells a missing key.
	if _, err := obj.Stat(); err != nil {
		obj.Close()
		if minio.ToErrorResponse(err).Code == "NoSuchKey" {
			return nil, desk.Errorf(desk.ENOTFOUND, "file not found")
		}
		return nil, fmt.Errorf("s3 get: %w", err)
	}
	return obj, nil
}

// Delete removes the object; S3 treats a missing one as removed.
func (s *S3) Delete(ctx context.Context, key string) error {
	name, err := s.object(key)
	if err != nil {
		return err
	}
	if err := s.client.RemoveObject(ctx, s.bucket, name, minio.RemoveObjectOptions{}); err != nil &&
		minio.ToErrorResponse(err).Code != "NoSuchKey" {
		return fmt.Errorf("s3 delete: %w", err)
	}
	return nil
}

// Keys lists the keys stored under the store's prefix (for checks and
// maintenance; not part of desk.BlobStore).
func (s *S3) Keys(ctx context.Context) ([]string, error) {
	var keys []string
	for obj := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: s.prefix, Recursive: true}) {
		if obj.Err != nil {
			return nil, fmt.Errorf("s3 list: %w", obj.Err)
		}
		keys = append(keys, strings.TrimPrefix(obj.Key, s.prefix))
	}
	return keys, nil
}
