/* cli_post.c: post, edit, delete, list, show. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "group.h"
#include "index.h"
#include "keyring.h"
#include "log.h"
#include "node.h"
#include "post.h"
#include "store.h"
#include "when.h"

/* What the post and edit options fill in. */
struct post_args {
	struct pf_draft	 d;
	const char	*to[PF_TO_MAX];
	char		 tobuf[PF_TO_MAX][PF_AUD_MAX];
	char		 reply[PF_REF_MAX], like[PF_REF_MAX];
	char		 start[PF_WHEN_MAX], end[PF_WHEN_MAX];
	const char	*image;
	struct pf_buf	 text;
};

/*
 * Turn what the user typed into an audience: "public", "group:G",
 * "key:FPR", or a bare fingerprint (a key) or group name.
 */
static int
audience(const char *arg, char out[PF_AUD_MAX])
{
	char fpr[PF_FPR_MAX];

	if (strncmp(arg, "group:", 6) != 0 && strncmp(arg, "key:", 4) != 0 &&
	    strcmp(arg, "public") != 0) {
		if (pf_fpr_normalize(arg, fpr) == PF_OK)
			snprintf(out, PF_AUD_MAX, "key:%s", fpr);
		else
			snprintf(out, PF_AUD_MAX, "group:%s", arg);
	} else if (strncmp(arg, "key:", 4) == 0 &&
	    pf_fpr_normalize(arg + 4, fpr) == PF_OK)
		snprintf(out, PF_AUD_MAX, "key:%s", fpr);
	else
		snprintf(out, PF_AUD_MAX, "%s", arg);
	if (strlen(arg) >= PF_AUD_MAX - 8 || !pf_post_aud_valid(out)) {
		pf_log("--to %s: an audience is \"public\", "
		    "\"group:NAME\" or \"key:FINGERPRINT\"", arg);
		return -1;
	}
	return 0;
}

/* A post reference: "FPR/ID", or a bare ID meaning one of our own. */
static int
reference(const char *arg, const char *self, char out[PF_REF_MAX])
{
	const char *slash = strchr(arg, '/');

	if (slash == NULL)
		snprintf(out, PF_REF_MAX, "%s/%s", self, arg);
	else
		snprintf(out, PF_REF_MAX, "%s", arg);
	slash = strchr(out, '/');
	if (slash == NULL || !pf_id_valid(slash + 1) || (*self != '\0' &&
	    (size_t)(slash - out) != 40 && (size_t)(slash - out) != 64)) {
		pf_log("\"%s\" is not a post reference "
		    "(FINGERPRINT/ID or an own post's ID)", arg);
		return -1;
	}
	return 0;
}

static int
geo(const char *arg, struct pf_draft *d)
{
	char	*end;

	errno = 0;
	d->lat = strtod(arg, &end);
	if (*end != ',' || errno != 0)
		goto bad;
	d->lon = strtod(end + 1, &end);
	if (*end != '\0' || errno != 0)
		goto bad;
	d->has_geo = 1;
	return 0;
bad:
	pf_log("--geo %s: expected LATITUDE,LONGITUDE "
	    "(e.g. 48.137,11.575)", arg);
	return -1;
}

/* Read the post text: the argument, or standard input for "-". */
static int
text_arg(const char *arg, struct post_args *a)
{
	char	chunk[4096];
	size_t	n;

	if (strcmp(arg, "-") != 0) {
		a->d.content = arg;
		return 0;
	}
	a->text.limit = PF_POST_MAX;
	while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
		if (pf_buf_add(&a->text, chunk, n) != PF_OK)
			return cli_fail("standard input"), -1;
	/* One trailing newline is the terminal's, not the author's. */
	if (a->text.len > 0 && a->text.data[a->text.len - 1] == '\n')
		a->text.data[--a->text.len] = '\0';
	a->d.content = a->text.data ? a->text.data : "";
	return 0;
}

/* Parse post/edit options; *rest gets the index of the first operand. */
static int
post_opts(int argc, char **argv, const char *self, struct post_args *a, int *rest)
{
	static const struct option opts[] = {
		{ "to", required_argument, NULL, 't' },
		{ "type", required_argument, NULL, 'T' },
		{ "image", required_argument, NULL, 'i' },
		{ "link", required_argument, NULL, 'l' },
		{ "geo", required_argument, NULL, 'g' },
		{ "place", required_argument, NULL, 'p' },
		{ "name", required_argument, NULL, 'n' },
		{ "start", required_argument, NULL, 's' },
		{ "end", required_argument, NULL, 'e' },
		{ "reply-to", required_argument, NULL, 'r' },
		{ "like", required_argument, NULL, 'L' },
		{ "object", required_argument, NULL, 'o' },
		{ "target", required_argument, NULL, 'G' },
		{ "markdown", no_argument, NULL, 'M' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "t:", opts, NULL)) != -1) {
		switch (ch) {
		case 't':
			if (a->d.nto == PF_TO_MAX) {
				pf_log("at most %d audiences", PF_TO_MAX);
				return -1;
			}
			if (audience(optarg, a->tobuf[a->d.nto]) == -1)
				return -1;
			a->to[a->d.nto] = a->tobuf[a->d.nto];
			a->d.nto++;
			break;
		case 'T': a->d.type = optarg; break;
		case 'i': a->image = optarg; break;
		case 'l': a->d.link = optarg; break;
		case 'g': if (geo(optarg, &a->d) == -1) return -1; break;
		case 'p': a->d.place = optarg; break;
		case 'n': a->d.name = optarg; break;
		case 's':
			if (pf_when_parse("--start", optarg, a->start) != PF_OK)
				return cli_fail(NULL), -1;
			a->d.start = a->start;
			break;
		case 'e':
			if (pf_when_parse("--end", optarg, a->end) != PF_OK)
				return cli_fail(NULL), -1;
			a->d.end = a->end;
			break;
		case 'r':
			if (reference(optarg, self, a->reply) == -1)
				return -1;
			a->d.reply_to = a->reply;
			break;
		case 'L':
			if (reference(optarg, self, a->like) == -1)
				return -1;
			a->d.like = a->like;
			a->d.type = "Like";
			break;
		case 'o': a->d.object = optarg; break;
		case 'G': a->d.target = optarg; break;
		case 'M': a->d.media_type = "text/markdown"; break;
		default:
			return -1;
		}
	}
	/* No --to: a new post gets the default, an edit keeps its audience. */
	a->d.to = a->d.nto > 0 ? a->to : NULL;
	*rest = optind;
	return 0;
}

/*
 * Say which audiences of a post nobody can read yet: a group without
 * members, a key that is not a friend's.  The post is made all the same
 * (the group may be filled, the friend added, later).
 */
static void
warn_unread(struct pf_node *n, const char *const *to, size_t nto)
{
	struct pf_group		*g = NULL;
	struct pf_keyinfo	 k;
	size_t			 ng = 0, i, j;

	if (pf_group_list(n->gnupghome, &g, &ng) != PF_OK)
		return;
	for (i = 0; i < nto; i++) {
		if (strncmp(to[i], "group:", 6) == 0) {
			for (j = 0; j < ng && strcmp(g[j].name, to[i] + 6); j++)
				;
			if (j == ng || g[j].n == 0)
				pf_log("warning: %s has no "
				    "members: nobody reads this post there until "
				    "you add some (peerfeed group add %s FPR)",
				    to[i], to[i] + 6);
		} else if (strncmp(to[i], "key:", 4) == 0 &&
		    pf_keyring_lookup(n->kr, to[i] + 4, &k) == PF_OK &&
		    k.disabled && !k.secret)
			pf_log("warning: %s is blocked: they "
			    "cannot read this post until you unblock them "
			    "(peerfeed unblock %s)", to[i], to[i] + 4);
		else if (strncmp(to[i], "key:", 4) == 0 &&
		    (pf_keyring_lookup(n->kr, to[i] + 4, &k) != PF_OK ||
		    k.secret || k.disabled || k.revoked || k.expired))
			pf_log("warning: %s is not a friend's "
			    "key: nobody reads this post there until you add it "
			    "(peerfeed friend add)", to[i]);
	}
	pf_group_free(g, ng);
}

int
cli_post(const char *dir, int argc, char **argv)
{
	struct post_args	 a;
	struct pf_node		*n = NULL;
	char			 id[PF_ID_MAX];
	int			 rest, rc = 1;

	memset(&a, 0, sizeof(a));
	if (pf_node_open(pf_store_dir(dir), PF_NODE_WRITE, &n) != PF_OK)
		return cli_fail(NULL);
	if (post_opts(argc, argv, n->self, &a, &rest) == -1) {
		rc = cli_usage(cli_find("post"), 1);
		goto out;
	}
	if (rest < argc - 1 || (rest == argc && a.d.like == NULL &&
	    a.d.name == NULL && a.d.object == NULL && a.d.target == NULL &&
	    !a.d.has_geo)) {
		rc = cli_usage(cli_find("post"), 1);
		goto out;
	}
	if (rest == argc - 1 && text_arg(argv[rest], &a) == -1)
		goto out;
	if (a.d.nto == 0) {
		a.to[0] = "public";
		a.d.to = a.to;
		a.d.nto = 1;
	}
	if (pf_node_post(n, &a.d, a.image, id) != PF_OK) {
		cli_fail(NULL);
		goto out;
	}
	warn_unread(n, a.d.to, a.d.nto);
	printf("%s\n", id);
	rc = 0;
out:
	pf_buf_free(&a.text);
	pf_node_close(n);
	return rc;
}

int
cli_edit(const char *dir, int argc, char **argv)
{
	struct post_args	 a;
	struct pf_node		*n = NULL;
	int			 rest, rc = 1;

	memset(&a, 0, sizeof(a));
	if (pf_node_open(pf_store_dir(dir), PF_NODE_WRITE, &n) != PF_OK)
		return cli_fail(NULL);
	if (post_opts(argc, argv, n->self, &a, &rest) == -1 ||
	    rest >= argc || rest < argc - 2) {
		rc = cli_usage(cli_find("edit"), 1);
		goto out;
	}
	if (rest == argc - 2 && text_arg(argv[rest + 1], &a) == -1)
		goto out;
	if (pf_node_edit(n, argv[rest], &a.d, a.image) != PF_OK) {
		cli_fail(NULL);
		goto out;
	}
	warn_unread(n, a.d.to, a.d.nto);
	printf("edited %s\n", argv[rest]);
	rc = 0;
out:
	pf_buf_free(&a.text);
	pf_node_close(n);
	return rc;
}

int
cli_delete(const char *dir, int argc, char **argv)
{
	struct pf_node	*n = NULL;
	int		 rc = 0;

	if (argc != 2)
		return cli_usage(cli_find("delete"), 1);
	if (pf_node_open(pf_store_dir(dir), PF_NODE_WRITE, &n) != PF_OK)
		return cli_fail(NULL);
	if (pf_node_delete(n, argv[1]) != PF_OK)
		rc = cli_fail(NULL);
	else
		printf("deleted %s\n", argv[1]);
	pf_node_close(n);
	return rc;
}

/* One line (or JSON element) per post, for list and show. */
struct printer {
	int		 json;
	size_t		 count;
	const char	*media;		/* media directory, for rendering */
	int		 full;		/* show: the whole rendering */
};

static enum pf_err
print_entry(const struct pf_entry *en, void *arg)
{
	struct printer	*pr = arg;
	struct pf_post	*p = NULL;
	struct pf_buf	 out = { 0 };
	char		 t[32];
	const char	*content;
	size_t		 i;
	enum pf_err	 e;

	if (pr->json) {
		printf("%s%.*s", pr->count++ ? ",\n" : "", (int)en->json_len,
		    en->json);
		return PF_OK;
	}
	if ((e = pf_post_parse(en->json, en->json_len, &p)) != PF_OK)
		return e;
	if (pr->full) {
		if ((e = pf_post_render(p, pr->media, &out)) == PF_OK)
			fputs(out.data, stdout);
		goto out;
	}
	pf_time_fmt(p->updated_ms, t);
	printf("%s  %s  %-9s ", p->id, t, p->tombstone ? "(deleted)" : p->type);
	for (i = 0; i < p->nto; i++)
		printf("%s%s", i ? "," : "", p->to[i]);
	content = pf_post_str(p, "content");
	if (content == NULL)
		content = pf_post_str(p, "name");
	if (content != NULL)
		printf("  %.60s%s", content, strlen(content) > 60 ? "..." : "");
	putchar('\n');
	pr->count++;
out:
	pf_buf_free(&out);
	pf_post_free(p);
	return e;
}

/* Own posts in change order, when no audience narrows the list. */
struct change {
	int64_t	ms;
	char	id[PF_ID_MAX];
};

struct changes {
	struct change	*v;
	size_t		 n, cap;
};

static enum pf_err
collect(const struct pf_entry *en, void *arg)
{
	struct changes	*c = arg;
	struct change	*nv;

	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 256;
		if ((nv = reallocarray(c->v, c->cap, sizeof(*nv))) == NULL)
			return pf_err(PF_ERR_NOMEM, "out of memory");
		c->v = nv;
	}
	c->v[c->n].ms = en->updated_ms;
	snprintf(c->v[c->n].id, PF_ID_MAX, "%s", en->id);
	c->n++;
	return PF_OK;
}

static int
cmp_change(const void *a, const void *b)
{
	const struct change *x = a, *y = b;

	if (x->ms != y->ms)
		return x->ms < y->ms ? -1 : 1;
	return strcmp(x->id, y->id);
}

/* After cursor c: id "" sorts before every id at c->ms, "~" after all. */
static int
after(const struct change *ch, const struct pf_cursor *c)
{
	if (ch->ms != c->ms)
		return ch->ms > c->ms;
	if (strcmp(c->id, "~") == 0)
		return 0;
	return strcmp(ch->id, c->id) > 0;
}

static enum pf_err
list_all(struct pf_node *n, const struct pf_cursor *since, size_t limit,
    struct printer *pr, struct pf_cursor *next, int *more)
{
	struct changes	 c = { 0 };
	size_t		 i, shown = 0;
	enum pf_err	 e;

	*next = *since;
	*more = 0;
	if ((e = pf_index_walk(n->ix, n->self, collect, &c)) != PF_OK)
		goto out;
	qsort(c.v, c.n, sizeof(*c.v), cmp_change);
	for (i = 0; i < c.n && e == PF_OK; i++) {
		if (!after(&c.v[i], since))
			continue;
		if (shown == limit) {
			*more = 1;
			break;
		}
		e = pf_index_get(n->ix, n->self, c.v[i].id, print_entry, pr);
		next->ms = c.v[i].ms;
		snprintf(next->id, PF_ID_MAX, "%s", c.v[i].id);
		shown++;
	}
out:
	free(c.v);
	return e;
}

int
cli_list(const char *dir, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "since", required_argument, NULL, 's' },
		{ "limit", required_argument, NULL, 'n' },
		{ "to", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct printer		 pr = { 0 };
	struct pf_cursor	 since, next;
	struct pf_node		*n = NULL;
	char			 aud[PF_AUD_MAX] = "", cur[PF_CURSOR_MAX], *end;
	const char		*auds[1] = { aud };
	long			 limit = 1000000;
	int			 ch, more, rc = 1;
	enum pf_err		 e;

	memset(&since, 0, sizeof(since));
	while ((ch = getopt_long(argc, argv, "n:", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			if (pf_cursor_parse(optarg, &since) != PF_OK)
				return cli_fail("--since");
			break;
		case 'n':
			errno = 0;
			limit = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || limit < 1 ||
			    errno == ERANGE)
				return cli_usage(cli_find("list"), 1);
			break;
		case 't':
			if (audience(optarg, aud) == -1)
				return 2;
			break;
		case 'j': pr.json = 1; break;
		default: return cli_usage(cli_find("list"), 1);
		}
	}
	if (optind != argc)
		return cli_usage(cli_find("list"), 1);
	if (pf_node_open(pf_store_dir(dir), PF_NODE_KEYRING | PF_NODE_INDEX, &n) != PF_OK)
		return cli_fail(NULL);
	if (pr.json)
		printf("{\"posts\": [\n");
	if (aud[0] != '\0')
		e = pf_index_changes(n->ix, auds, 1, &since, (size_t)limit,
		    print_entry, &pr, &next, &more);
	else
		e = list_all(n, &since, (size_t)limit, &pr, &next, &more);
	if (e != PF_OK) {
		cli_fail(NULL);
		goto out;
	}
	pf_cursor_fmt(&next, cur);
	if (pr.json)
		printf("],\n\"next\": \"%s\",\n\"more\": %s}\n", cur,
		    more ? "true" : "false");
	else if (more)
		printf("# more: peerfeed list --since %s\n", cur);
	rc = 0;
out:
	pf_node_close(n);
	return rc;
}

int
cli_show(const char *dir, int argc, char **argv)
{
	struct printer	 pr = { 0 };
	struct pf_node	*n = NULL;
	char		 ref[PF_REF_MAX], *slash, *media = NULL;
	int		 rc = 1;
	enum pf_err	 e;

	if (argc == 3 && strcmp(argv[2], "--json") == 0)
		pr.json = 1;
	else if (argc != 2)
		return cli_usage(cli_find("show"), 1);
	if (pf_node_open(pf_store_dir(dir), PF_NODE_KEYRING | PF_NODE_INDEX, &n) != PF_OK)
		return cli_fail(NULL);
	if (reference(argv[1], n->self, ref) == -1)
		goto out;
	slash = strchr(ref, '/');
	*slash = '\0';
	media = pf_store_join(n->st, strcmp(ref, n->self) == 0 ? "media" : "friends");
	pr.media = media;
	pr.full = 1;
	if ((e = pf_index_get(n->ix, ref, slash + 1, print_entry, &pr)) ==
	    PF_ERR_NOTFOUND) {
		pf_log("no post %s", argv[1]);
		goto out;
	} else if (e != PF_OK) {
		cli_fail(argv[1]);
		goto out;
	}
	if (pr.json)
		putchar('\n');
	rc = 0;
out:
	free(media);
	pf_node_close(n);
	return rc;
}
