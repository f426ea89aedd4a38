/*
 * group.c: groups as `group NAME = FPR ...` lines of GNUPGHOME/gpg.conf,
 * the syntax gpg itself reads (several lines of one name add up).  Edits
 * rewrite the file atomically and keep every other line byte for byte.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "group.h"

#define CONF_MAX	(1024 * 1024)	/* bytes of gpg.conf we read */

/* The member tokens of one group, as written (fingerprints or else). */
struct toks {
	char	**v;
	size_t	  n;
};

int
pf_group_name_valid(const char *name)
{
	size_t i;

	for (i = 0; name[i] != '\0'; i++)
		if (!isalnum((unsigned char)name[i]) && name[i] != '_' &&
		    name[i] != '.' && name[i] != '-')
			return 0;
	return i > 0 && i < PF_GROUP_MAX;
}

/* Read home/gpg.conf into text; a missing file reads as empty. */
static enum pf_err
conf_read(const char *home, struct pf_buf *text)
{
	char	path[PATH_MAX], chunk[8192];
	FILE	*f;
	size_t	n;
	enum pf_err e = PF_OK;

	if ((size_t)snprintf(path, sizeof(path), "%s/gpg.conf", home) >=
	    sizeof(path))
		return pf_err(PF_ERR_CONFIG, "%s: path too long", home);
	text->limit = CONF_MAX;
	if ((e = pf_buf_add(text, "", 0)) != PF_OK)
		return e;
	if ((f = fopen(path, "r")) == NULL)
		return errno == ENOENT ? PF_OK :
		    pf_err(PF_ERR_SYS, "%s: %s", path, strerror(errno));
	while (e == PF_OK && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		e = pf_buf_add(text, chunk, n);
	if (e == PF_OK && ferror(f))
		e = pf_err(PF_ERR_SYS, "%s: read error", path);
	fclose(f);
	return e;
}

/*
 * If the line [p, end) is a group line, copy its name into name and set
 * *vals to the start of its values; return 1.  Else return 0.
 */
static int
group_line(const char *p, const char *end, char name[PF_GROUP_MAX],
    const char **vals)
{
	const char	*eq, *ne;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (end - p < 6 || strncmp(p, "group", 5) != 0 ||
	    (p[5] != ' ' && p[5] != '\t'))
		return 0;
	for (p += 5; p < end && (*p == ' ' || *p == '\t'); p++)
		;
	if ((eq = memchr(p, '=', (size_t)(end - p))) == NULL)
		return 0;
	for (ne = eq; ne > p && (ne[-1] == ' ' || ne[-1] == '\t'); ne--)
		;
	if (ne - p <= 0 || ne - p >= PF_GROUP_MAX)
		return 0;
	memcpy(name, p, (size_t)(ne - p));
	name[ne - p] = '\0';
	*vals = eq + 1;
	return 1;
}

/* Call fn for each whitespace-separated token in [p, end). */
static enum pf_err
each_token(const char *p, const char *end,
    enum pf_err (*fn)(const char *, size_t, void *), void *arg)
{
	const char	*t;
	enum pf_err	 e;

	for (;;) {
		while (p < end && isspace((unsigned char)*p))
			p++;
		if (p == end)
			return PF_OK;
		for (t = p; p < end && !isspace((unsigned char)*p); p++)
			;
		if ((e = fn(t, (size_t)(p - t), arg)) != PF_OK)
			return e;
	}
}

static int
toks_has(const struct toks *t, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (strlen(t->v[i]) == len && strncasecmp(t->v[i], s, len) == 0)
			return 1;
	return 0;
}

/* each_token callback: add a token to a struct toks once. */
static enum pf_err
toks_add(const char *s, size_t len, void *arg)
{
	struct toks	*t = arg;
	char		**v;

	if (toks_has(t, s, len))
		return PF_OK;
	if ((v = reallocarray(t->v, t->n + 1, sizeof(*v))) == NULL)
		return pf_err(PF_ERR_NOMEM, "out of memory");
	t->v = v;
	if ((t->v[t->n] = strndup(s, len)) == NULL)
		return pf_err(PF_ERR_NOMEM, "out of memory");
	t->n++;
	return PF_OK;
}

static void
toks_free(struct toks *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->v[i]);
	free(t->v);
	t->v = NULL;
	t->n = 0;
}

/*
 * Collect the tokens of every line of group name in text into t; *found
 * tells whether the group has a line at all.
 */
static enum pf_err
group_tokens(const struct pf_buf *text, const char *name, struct toks *t,
    int *found)
{
	const char	*p = text->data, *end = text->data + text->len, *nl, *vals;
	char		 gname[PF_GROUP_MAX];
	enum pf_err	 e;

	*found = 0;
	for (; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (!group_line(p, nl, gname, &vals) || strcmp(gname, name) != 0)
			continue;
		*found = 1;
		if ((e = each_token(vals, nl, toks_add, t)) != PF_OK)
			return e;
	}
	return PF_OK;
}

/*
 * Replace every line of group name in text by one line holding t (at the
 * place of the first; at the end for a new group; none when t is empty).
 */
static enum pf_err
conf_edit(const struct pf_buf *text, const char *name, const struct toks *t,
    struct pf_buf *out)
{
	const char	*p = text->data, *end = text->data + text->len, *nl, *vals;
	char		 gname[PF_GROUP_MAX];
	int		 done = t->n == 0;
	size_t		 i;
	enum pf_err	 e = PF_OK;

	for (; p < end && e == PF_OK; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (!group_line(p, nl, gname, &vals) || strcmp(gname, name) != 0) {
			e = pf_buf_add(out, p, (size_t)(nl - p));
			if (e == PF_OK && nl < end)
				e = pf_buf_add(out, "\n", 1);
			continue;
		}
		if (done)
			continue;
		e = pf_buf_printf(out, "group %s =", name);
		for (i = 0; i < t->n && e == PF_OK; i++)
			e = pf_buf_printf(out, " %s", t->v[i]);
		if (e == PF_OK)
			e = pf_buf_add(out, "\n", 1);
		done = 1;
	}
	if (e != PF_OK || done)
		return e;
	if (out->len > 0 && out->data[out->len - 1] != '\n')
		e = pf_buf_add(out, "\n", 1);
	if (e == PF_OK)
		e = pf_buf_printf(out, "group %s =", name);
	for (i = 0; i < t->n && e == PF_OK; i++)
		e = pf_buf_printf(out, " %s", t->v[i]);
	return e == PF_OK ? pf_buf_add(out, "\n", 1) : e;
}

/* Write all of buf to fd, across short writes and EINTR. */
static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * Replace home/gpg.conf by buf atomically: a temp file in home, fsync,
 * rename, fsync of home.  A failed fsync is an error, never retried.
 */
static enum pf_err
conf_write(const char *home, const struct pf_buf *buf)
{
	char	path[PATH_MAX], tmp[PATH_MAX];
	int	fd = -1, dfd = -1;
	enum pf_err e = PF_OK;

	snprintf(path, sizeof(path), "%s/gpg.conf", home);
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s/.gpg.conf.XXXXXX", home) >=
	    sizeof(tmp))
		return pf_err(PF_ERR_CONFIG, "%s: path too long", home);
	if ((fd = mkstemp(tmp)) == -1)
		return pf_err(PF_ERR_SYS, "%s: %s", tmp, strerror(errno));
	if (fchmod(fd, 0600) == -1 || write_all(fd, buf->data, buf->len) == -1 ||
	    fsync(fd) == -1) {
		e = pf_err(PF_ERR_SYS, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	if (close(fd) == -1 || (fd = -1, rename(tmp, path) == -1)) {
		fd = -1;
		e = pf_err(PF_ERR_SYS, "%s: %s", path, strerror(errno));
		goto out;
	}
	tmp[0] = '\0';
	if ((dfd = open(home, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    fsync(dfd) == -1)
		e = pf_err(PF_ERR_SYS, "%s: fsync: %s", home, strerror(errno));
out:
	if (fd != -1)
		close(fd);
	if (dfd != -1)
		close(dfd);
	if (tmp[0] != '\0')
		unlink(tmp);
	return e;
}

/* Check a group name and n fingerprints, normalizing them into norm. */
static enum pf_err
args_check(const char *name, const char *const *fprs, size_t n,
    char (*norm)[PF_FPR_MAX])
{
	size_t		i;
	enum pf_err	e;

	if (name == NULL || !pf_group_name_valid(name))
		return pf_err(PF_ERR_INVALID, "group name \"%.80s\": 1 to %d "
		    "characters of A-Z a-z 0-9 _ . - required",
		    name ? name : "", PF_GROUP_MAX - 1);
	for (i = 0; i < n; i++)
		if ((e = pf_fpr_normalize(fprs[i], norm[i])) != PF_OK)
			return e;
	return PF_OK;
}

/* The tokens of t not named in norm (none at all when n == 0) into keep. */
static enum pf_err
toks_without(const struct toks *t, char (*norm)[PF_FPR_MAX], size_t n,
    struct toks *keep)
{
	size_t		i, j;
	int		hit;
	enum pf_err	e = PF_OK;

	for (i = 0; i < t->n && n > 0 && e == PF_OK; i++) {
		for (hit = 0, j = 0; j < n; j++)
			hit |= strcasecmp(t->v[i], norm[j]) == 0;
		if (!hit)
			e = toks_add(t->v[i], strlen(t->v[i]), keep);
	}
	return e;
}

/*
 * The shared body of add and remove: read gpg.conf, take group name's
 * tokens, add fprs to them or drop fprs from them, write the file back.
 */
static enum pf_err
group_update(const char *home, const char *name, int adding,
    const char *const *fprs, size_t n)
{
	struct pf_buf	  text = { 0 }, out = { 0 };
	struct toks	  t = { 0 }, keep = { 0 };
	char		(*norm)[PF_FPR_MAX] = NULL;
	size_t		  i;
	int		  found;
	enum pf_err	  e;

	if ((norm = calloc(n + 1, sizeof(*norm))) == NULL)
		return pf_err(PF_ERR_NOMEM, "out of memory");
	if ((e = args_check(name, fprs, n, norm)) != PF_OK ||
	    (e = conf_read(home, &text)) != PF_OK ||
	    (e = group_tokens(&text, name, &t, &found)) != PF_OK)
		goto out;
	if (!adding && !found) {
		e = pf_err(PF_ERR_NOTFOUND, "no group \"%s\"", name);
		goto out;
	}
	for (i = 0; i < n && adding && e == PF_OK; i++)
		e = toks_add(norm[i], strlen(norm[i]), &t);
	if (!adding)
		e = toks_without(&t, norm, n, &keep);
	if (e == PF_OK)
		e = conf_edit(&text, name, adding ? &t : &keep, &out);
	if (e == PF_OK)
		e = conf_write(home, &out);
out:
	toks_free(&t);
	toks_free(&keep);
	free(norm);
	pf_buf_free(&text);
	pf_buf_free(&out);
	return e;
}

enum pf_err
pf_group_add(const char *gnupghome, const char *name, const char *const *fprs,
    size_t n)
{
	if (n == 0)
		return pf_err(PF_ERR_USAGE, "group add: no members given");
	return group_update(gnupghome, name, 1, fprs, n);
}

enum pf_err
pf_group_remove(const char *gnupghome, const char *name,
    const char *const *fprs, size_t n)
{
	return group_update(gnupghome, name, 0, fprs, n);
}

void
pf_group_free(struct pf_group *list, size_t n)
{
	size_t i;

	if (list == NULL)
		return;
	for (i = 0; i < n; i++)
		free(list[i].members);
	free(list);
}

/* The group called name in *list, appended (empty) if absent. */
static struct pf_group *
list_group(struct pf_group **list, size_t *n, const char *name)
{
	struct pf_group	*l;
	size_t		 i;

	for (i = 0; i < *n; i++)
		if (strcmp((*list)[i].name, name) == 0)
			return &(*list)[i];
	if ((l = reallocarray(*list, *n + 1, sizeof(*l))) == NULL)
		return NULL;
	*list = l;
	memset(&l[*n], 0, sizeof(l[*n]));
	snprintf(l[*n].name, sizeof(l[*n].name), "%s", name);
	return &l[(*n)++];
}

/*
 * each_token callback: add a fingerprint to a group once.  Values gpg
 * accepts but that are no full fingerprint (a user id, a key id someone
 * wrote by hand) are not members for peerfeed and are skipped.
 */
static enum pf_err
member_add(const char *s, size_t len, void *arg)
{
	struct pf_group	 *g = arg;
	char		  tok[PF_FPR_MAX], fpr[PF_FPR_MAX];
	char		(*m)[PF_FPR_MAX];
	size_t		  i;

	if (len >= sizeof(tok))
		return PF_OK;
	memcpy(tok, s, len);
	tok[len] = '\0';
	if (pf_fpr_normalize(tok, fpr) != PF_OK)
		return PF_OK;
	for (i = 0; i < g->n; i++)
		if (strcmp(g->members[i], fpr) == 0)
			return PF_OK;
	if ((m = reallocarray(g->members, g->n + 1, sizeof(*m))) == NULL)
		return pf_err(PF_ERR_NOMEM, "out of memory");
	g->members = m;
	memcpy(g->members[g->n++], fpr, sizeof(fpr));
	return PF_OK;
}

enum pf_err
pf_group_list(const char *gnupghome, struct pf_group **list, size_t *n)
{
	struct pf_buf	 text = { 0 };
	struct pf_group	*l = NULL, *g;
	size_t		 ngr = 0;
	const char	*p, *end, *nl, *vals;
	char		 name[PF_GROUP_MAX];
	enum pf_err	 e;

	if ((e = conf_read(gnupghome, &text)) != PF_OK)
		goto out;
	end = text.data + text.len;
	for (p = text.data; p < end && e == PF_OK; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (!group_line(p, nl, name, &vals))
			continue;
		if ((g = list_group(&l, &ngr, name)) == NULL)
			e = pf_err(PF_ERR_NOMEM, "out of memory");
		else
			e = each_token(vals, nl, member_add, g);
	}
	if (e == PF_OK) {
		*list = l;
		*n = ngr;
		l = NULL;
	}
out:
	pf_group_free(l, ngr);
	pf_buf_free(&text);
	return e;
}

/*
 * Fill the one allocation of pf_group_audiences: an array of n pointers,
 * then the strings they point at.
 */
static char **
auds_build(const char *fpr, const struct pf_group *l, size_t ngroups,
    const int *in, size_t n)
{
	size_t	 size = n * sizeof(char *), i, k = 0, left;
	char	**v, *s;

	size += sizeof("public") + sizeof("key:") + strlen(fpr);
	for (i = 0; i < ngroups; i++)
		if (in[i])
			size += sizeof("group:") + strlen(l[i].name);
	if ((v = malloc(size)) == NULL)
		return NULL;
	s = (char *)(v + n);
	left = size - n * sizeof(char *);
	for (i = 0; i < ngroups + 2; i++) {
		int w;

		if (i >= 2 && !in[i - 2])
			continue;
		v[k++] = s;
		if (i == 0)
			w = snprintf(s, left, "public");
		else if (i == 1)
			w = snprintf(s, left, "key:%s", fpr);
		else
			w = snprintf(s, left, "group:%s", l[i - 2].name);
		s += w + 1;
		left -= (size_t)w + 1;
	}
	return v;
}

enum pf_err
pf_group_audiences_in(const struct pf_group *l, size_t ng, const char *fpr,
    char ***auds, size_t *n)
{
	size_t		 i, j, count = 2;
	int		*in;
	char		 norm[PF_FPR_MAX], **v;
	enum pf_err	 e;

	if ((e = pf_fpr_normalize(fpr, norm)) != PF_OK)
		return e;
	if ((in = calloc(ng + 1, sizeof(*in))) == NULL)
		return pf_err(PF_ERR_NOMEM, "out of memory");
	for (i = 0; i < ng; i++)
		for (j = 0; j < l[i].n && !in[i]; j++)
			if (strcmp(l[i].members[j], norm) == 0)
				count += (in[i] = 1);
	if ((v = auds_build(norm, l, ng, in, count)) == NULL)
		e = pf_err(PF_ERR_NOMEM, "out of memory");
	else {
		*auds = v;
		*n = count;
	}
	free(in);
	return e;
}

enum pf_err
pf_group_audiences(const char *gnupghome, const char *fpr, char ***auds,
    size_t *n)
{
	struct pf_group	*l = NULL;
	size_t		 ng = 0;
	enum pf_err	 e;

	if ((e = pf_group_list(gnupghome, &l, &ng)) != PF_OK)
		return e;
	e = pf_group_audiences_in(l, ng, fpr, auds, n);
	pf_group_free(l, ng);
	return e;
}
