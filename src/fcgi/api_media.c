/*
 * api_media.c: GET /media/<sha256>, a public attachment, and POST /media,
 * a private one asked for by an encrypted request (doc/DESIGN.md
 * section 5).
 *
 * An attachment is served to a reader only if some live (non-tombstone)
 * own post that reader may see names it as the digest of an Image
 * attachment: for GET the reader is the public, for POST the requester
 * with its audiences (public, key:FPR, its groups).  Attachments of posts
 * the reader cannot see are refused with the same 404 as digests with no
 * file, so the answer says nothing about what else the node holds.  The
 * check walks the reader's change stream, so it costs time linear in the
 * number of posts visible to it; a post is parsed only if its bytes hold
 * the digest.  GET refuses a missing file before the walk; POST, whose
 * requester is a verified friend, walks first.
 *
 * The private answer is the attachment's bytes, exactly, signed by the
 * owner and encrypted to the requester (pf_api_private_reply()); the
 * requester checks that their SHA-256 is the digest it asked for.  Files
 * larger than media_max are refused (413) rather than read into memory.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api.h"
#include "digest.h"
#include "group.h"
#include "http.h"
#include "index.h"
#include "post.h"
#include "store.h"

#define SNIFF_LEN	16
#define NO_MEDIA	"no such media"

/* Inline types recognized by their magic bytes; the rest is a download. */
static const struct {
	const char	*magic;
	size_t		 len;
	size_t		 off;
	const char	*type;
} images[] = {
	{ "\x89PNG\r\n\x1a\n", 8, 0, "image/png" },
	{ "\xff\xd8\xff", 3, 0, "image/jpeg" },
	{ "GIF87a", 6, 0, "image/gif" },
	{ "GIF89a", 6, 0, "image/gif" },
	{ "WEBP", 4, 8, "image/webp" },
};

struct find {
	const char	*sha;
	int		 found;
};

/* True if the post json[0..len) has an Image attachment with digest sha. */
static int
has_image(const char *json, size_t len, const char *sha)
{
	struct pf_post	*p;
	struct pf_image	 img[PF_ATT_MAX];
	size_t		 i, n;
	int		 found = 0;

	if (pf_post_parse(json, len, &p) != PF_OK)
		return 0;
	n = pf_post_images(p, img, PF_ATT_MAX);
	for (i = 0; i < n && !found; i++)
		found = strcmp(img[i].digest, sha) == 0;
	pf_post_free(p);
	return found;
}

/* Visitor: stop (PF_ERR_EXISTS) at the first live post with the image. */
static enum pf_err
find_visit(const struct pf_entry *ent, void *arg)
{
	struct find *f = arg;

	if (ent->tombstone || memmem(ent->json, ent->json_len, f->sha,
	    PF_SHA256_HEX - 1) == NULL ||
	    !has_image(ent->json, ent->json_len, f->sha))
		return PF_OK;
	f->found = 1;
	return PF_ERR_EXISTS;
}

/* Is sha an image of a live post visible to auds[0..naud)? */
static enum pf_err
media_visible(struct pf_index *ix, const char *const *auds, size_t naud,
    const char *sha)
{
	struct find		 f = { sha, 0 };
	struct pf_cursor	 cur, nx;
	int			 more = 1;
	enum pf_err		 e = PF_OK;

	memset(&cur, 0, sizeof(cur));
	while (more && !f.found) {
		e = pf_index_changes(ix, auds, naud, &cur, 1024, find_visit, &f,
		    &nx, &more);
		if (e != PF_OK)
			break;
		cur = nx;
	}
	if (f.found)
		return PF_OK;
	return e != PF_OK ? e : pf_err(PF_ERR_NOTFOUND, NO_MEDIA);
}

/* Open media/<sha> read-only into *fd (a regular file), else the 404. */
static enum pf_err
media_open(struct pf_api *a, const char *sha, int *fd, struct stat *st)
{
	char	*path, rel[8 + PF_SHA256_HEX];
	int	 f;

	snprintf(rel, sizeof(rel), "media/%s", sha);
	if ((path = pf_store_join(a->st, rel)) == NULL)
		return pf_err(PF_ERR_NOMEM, "out of memory");
	f = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	free(path);
	if (f == -1 || fstat(f, st) == -1 || !S_ISREG(st->st_mode)) {
		if (f != -1)
			close(f);
		return pf_err(PF_ERR_NOTFOUND, NO_MEDIA);
	}
	*fd = f;
	return PF_OK;
}

/* Content type and disposition from the first bytes of the file. */
static enum pf_err
media_type(int fd, struct pf_http_resp *resp)
{
	unsigned char	 head[SNIFF_LEN];
	ssize_t		 n;
	size_t		 i;

	if ((n = pread(fd, head, sizeof(head), 0)) < 0)
		return pf_err(PF_ERR_SYS, "media: %s", strerror(errno));
	for (i = 0; i < sizeof(images) / sizeof(images[0]); i++)
		if ((size_t)n >= images[i].off + images[i].len &&
		    memcmp(head + images[i].off, images[i].magic,
		    images[i].len) == 0) {
			resp->type = images[i].type;
			return PF_OK;
		}
	resp->type = "application/octet-stream";
	return pf_http_header(resp, "Content-Disposition", "attachment");
}

enum pf_err
pf_api_media(struct pf_api *a, const struct pf_http_req *req, const char *sha,
    struct pf_http_resp *resp)
{
	static const char *const pub[] = { "public" };
	char		 tag[PF_SHA256_HEX + 2];
	struct stat	 st;
	int		 fd = -1;
	enum pf_err	 e;

	if (sha == NULL || !pf_hex_lower(sha, PF_SHA256_HEX - 1))
		return pf_err(PF_ERR_INVALID, "media: name must be 64 lowercase "
		    "hex digits (a SHA-256)");
	snprintf(tag, sizeof(tag), "\"%s\"", sha);
	if ((e = media_open(a, sha, &fd, &st)) != PF_OK ||
	    (e = media_visible(a->ix, pub, 1, sha)) != PF_OK ||
	    (e = pf_http_header(resp, "ETag", tag)) != PF_OK ||
	    (e = pf_http_header(resp, "Cache-Control", "public, max-age=3600")) != PF_OK)
		goto out;
	/* Content-addressed: the same tag always means the same bytes. */
	if (req->if_none_match != NULL && strstr(req->if_none_match, tag) != NULL) {
		resp->status = 304;
		goto out;
	}
	if ((e = media_type(fd, resp)) != PF_OK)
		goto out;
	resp->fd = fd;
	resp->fd_len = st.st_size;
	fd = -1;
out:
	if (fd != -1)
		close(fd);
	return e;
}

/*
 * Read the open file fd (size st) into out: at most media_max bytes, and
 * they must hash to sha (a damaged file is the node's fault, not a 404).
 */
static enum pf_err
media_read(struct pf_api *a, int fd, const struct stat *st, const char *sha,
    struct pf_buf *out)
{
	char		 chunk[65536], got[PF_SHA256_HEX];
	ssize_t		 n;
	enum pf_err	 e;

	if (st->st_size > a->conf->media_max)
		return pf_err(PF_ERR_LIMIT, "media: %lld bytes, more than "
		    "media_max (%ld)", (long long)st->st_size, a->conf->media_max);
	out->limit = (size_t)a->conf->media_max;
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		if ((e = pf_buf_add(out, chunk, (size_t)n)) != PF_OK)
			return e != PF_ERR_LIMIT ? e : pf_err(e, "media: grew "
			    "past media_max (%ld) while read", a->conf->media_max);
	if (n == -1)
		return pf_err(PF_ERR_SYS, "media: %s", strerror(errno));
	pf_sha256_hex(out->data, out->len, got);
	if (strcmp(got, sha) != 0)
		return pf_err(PF_ERR_SYS, "media/%.16s...: file does not match "
		    "its digest", sha);
	return PF_OK;
}

/* POST /media: the private attachment exchange (see the top comment). */
enum pf_err
pf_api_media_post(struct pf_api *a, const struct pf_http_req *req,
    const char *param, struct pf_http_resp *resp)
{
	struct pf_req	 r;
	struct pf_buf	 bytes = { 0 };
	struct stat	 st;
	char		**auds = NULL;
	size_t		 naud;
	int		 armor, fd = -1;
	enum pf_err	 e;

	(void)param;
	if ((e = pf_api_private_open(a, req, PF_REQ_MEDIA, resp, &r,
	    &armor)) != PF_OK ||
	    (e = pf_api_audiences(a, r.from, &auds, &naud)) != PF_OK ||
	    (e = media_visible(a->ix, (const char *const *)auds, naud,
	    r.media)) != PF_OK ||
	    (e = media_open(a, r.media, &fd, &st)) != PF_OK ||
	    (e = media_read(a, fd, &st, r.media, &bytes)) != PF_OK)
		goto out;
	e = pf_api_private_reply(a, r.from, bytes.data, bytes.len, armor, resp);
out:
	if (fd != -1)
		close(fd);
	free(auds);
	pf_buf_free(&bytes);
	return e;
}
