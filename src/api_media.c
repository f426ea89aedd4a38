/*
 * api_media.c: GET /media/<sha256> -- a public attachment.
 *
 * The rule for "public": media/<sha> is served if the file exists and the
 * hex digest appears in the bytes of some public, non-deleted post of the
 * owner.  An attachment names its file by that digest, so every image of a
 * public post is served; a digest the owner typed into public text is one
 * the owner published anyway.  Attachments of private posts are never
 * served here.  The check walks the public change stream, so it costs time
 * linear in the number of public posts; a file that does not exist is
 * refused before the walk.
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
#include "http.h"
#include "index.h"
#include "store.h"

#define SNIFF_LEN	16

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

static int
sha_valid(const char *s)
{
	size_t i;

	for (i = 0; i < PF_SHA256_HEX - 1; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[i] == '\0';
}

struct find {
	const char	*sha;
	int		 found;
};

/* Visitor: stop (PF_ERR_EXISTS) at the first live post naming the digest. */
static enum pf_err
find_visit(const struct pf_entry *ent, void *arg)
{
	struct find *f = arg;

	if (ent->tombstone || memmem(ent->json, ent->json_len, f->sha,
	    PF_SHA256_HEX - 1) == NULL)
		return PF_OK;
	f->found = 1;
	return PF_ERR_EXISTS;
}

/* Is sha referenced by a public post? */
static enum pf_err
media_public(struct pf_index *ix, const char *sha)
{
	static const char *const pub[] = { "public" };
	struct find		 f = { sha, 0 };
	struct pf_cursor	 cur, nx;
	int			 more = 1;
	enum pf_err		 e = PF_OK;

	memset(&cur, 0, sizeof(cur));
	while (more && !f.found) {
		e = pf_index_changes(ix, pub, 1, &cur, 1024, find_visit, &f, &nx,
		    &more);
		if (e != PF_OK)
			break;
		cur = nx;
	}
	if (f.found)
		return PF_OK;
	return e != PF_OK ? e : pf_err(PF_ERR_NOTFOUND, "no such public media");
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
	char		*path = NULL, rel[8 + PF_SHA256_HEX], tag[PF_SHA256_HEX + 2];
	struct stat	 st;
	int		 fd = -1;
	enum pf_err	 e;

	if (sha == NULL || !sha_valid(sha))
		return pf_err(PF_ERR_INVALID, "media: name must be 64 lowercase "
		    "hex digits (a SHA-256)");
	snprintf(rel, sizeof(rel), "media/%s", sha);
	snprintf(tag, sizeof(tag), "\"%s\"", sha);
	if ((path = pf_store_join(a->st, rel)) == NULL)
		return pf_err(PF_ERR_NOMEM, "out of memory");
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1 ||
	    fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		e = pf_err(PF_ERR_NOTFOUND, "no such public media");
		goto out;
	}
	if ((e = media_public(a->ix, sha)) != PF_OK ||
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
	free(path);
	return e;
}
