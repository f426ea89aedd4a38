/*
 * cli_timeline.c: peerfeed timeline, the posts newest first as people read
 * them (timeline.h): a header line per post (author, relative time,
 * audience), its content, its likes counted on one line and its comments
 * under it; --mentions for what happened to the owner's posts; --long for
 * every field of each post (post.c's rendering).
 */
#include "config.h"

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
#include "timeline.h"
#include "when.h"

#define CHUNK		200		/* --json: entries per index call */
#define NAMES_MAX	64		/* authors whose names are remembered */
#define LIKERS_SHOWN	5		/* names on a likes line */
#define DEPTH_MAX	6		/* indentation of comments, at most */

struct name {
	char	fpr[PF_FPR_MAX];
	char	name[256];
};

struct tl {
	struct pf_node	*n;
	struct pf_tl	 w;
	int		 json, lng, all;
	size_t		 njson;		/* --json: elements printed */
	size_t		 want, seen;	/* --json: posts to print, entries read */
	int64_t		 now;
	char		*shown;		/* per item: printed already */
	struct name	 names[NAMES_MAX];
	size_t		 nnames;
};

/* The display name of fpr: "you", a key's name (the user id before its
 * e-mail), or the fingerprint's start.  One keyring lookup per author. */
static const char *
name_of(struct tl *t, const char *fpr)
{
	struct pf_keyinfo	 k;
	struct name		*nm;
	size_t			 i;
	char			*lt;

	if (strcmp(fpr, t->n->self) == 0)
		return "you";
	for (i = 0; i < t->nnames; i++)
		if (strcmp(t->names[i].fpr, fpr) == 0)
			return t->names[i].name;
	nm = &t->names[t->nnames < NAMES_MAX ? t->nnames++ : NAMES_MAX - 1];
	snprintf(nm->fpr, sizeof(nm->fpr), "%s", fpr);
	if (pf_keyring_lookup(t->n->kr, fpr, &k) == PF_OK && k.uid[0] != '\0') {
		snprintf(nm->name, sizeof(nm->name), "%s", k.uid);
		if ((lt = strstr(nm->name, " <")) != NULL && lt != nm->name)
			*lt = '\0';
	} else
		snprintf(nm->name, sizeof(nm->name), "%.16s...", fpr);
	return nm->name;
}

/* --json's "name": the key's whole user id as the keyring has it, or the
 * fingerprint (what v0.1.0 printed: scripts read it). */
static const char *
uid_of(struct tl *t, const char *fpr, struct pf_keyinfo *k)
{
	return pf_keyring_lookup(t->n->kr, fpr, k) == PF_OK &&
	    k->uid[0] != '\0' ? k->uid : fpr;
}

/* The name of the author of "FPR/ID". */
static const char *
ref_author(struct tl *t, const char *ref)
{
	char fpr[PF_FPR_MAX];

	snprintf(fpr, sizeof(fpr), "%.*s", (int)strcspn(ref, "/"), ref);
	return name_of(t, fpr);
}

/* "public, group family, only Bob" */
static void
print_audience(struct tl *t, const struct pf_post *p)
{
	size_t	i;
	const char *a;

	for (i = 0; i < p->nto; i++) {
		a = p->to[i];
		fputs(i ? ", " : "", stdout);
		if (strncmp(a, "group:", 6) == 0)
			printf("group %s", a + 6);
		else if (strncmp(a, "key:", 4) == 0)
			printf("only %s", name_of(t, a + 4));
		else
			fputs(a, stdout);
	}
}

/* An image line: the local path once the fetcher has the file. */
static void
print_image(struct tl *t, const char *ind, const struct pf_post *p,
    const struct pf_image *img)
{
	char	rel[1024], *path = NULL;
	int	own = strcmp(p->author, t->n->self) == 0;

	if (own)
		snprintf(rel, sizeof(rel), "media/%s", img->digest);
	else
		snprintf(rel, sizeof(rel), "friends/%s/media/%s", p->author,
		    img->digest);
	if (pf_store_exists(t->n->st, rel))
		path = pf_store_join(t->n->st, rel);
	printf("%simage: %s (%s, %lld bytes)%s\n", ind, path ? path :
	    img->digest, img->type, (long long)img->size, path ? "" :
	    ", not fetched yet");
	free(path);
}

/* Text, one line at a time, each indented. */
static void
print_text(const char *ind, const char *label, const char *s)
{
	size_t k;

	while (*s != '\0') {
		k = strcspn(s, "\n");
		printf("%s%s%.*s\n", ind, label, (int)k, s);
		label = "";
		s += k + (s[k] == '\n');
	}
}

/* An Event's name and times, humanized in the owner's zone. */
static void
print_event(const char *ind, const struct pf_post *p)
{
	const char	*name = pf_post_str(p, "name"), *s, *e;
	char		 when[2 * PF_WHEN_MAX];
	int64_t		 a, b = -1;

	s = pf_post_str(p, "startTime");
	e = pf_post_str(p, "endTime");
	if (s == NULL || pf_time_parse(s, &a) != PF_OK)
		return;
	if (e != NULL && pf_time_parse(e, &b) != PF_OK)
		b = -1;
	pf_when_event(a, b, when);
	printf("%sEvent: %s, %s\n", ind, name ? name : "", when);
}

/* The body of a post: what it is about, its content and attachments. */
static void
print_body(struct tl *t, const char *ind, const struct pf_tl_item *it)
{
	const struct pf_post	*p = it->p;
	struct pf_image		 img[PF_ATT_MAX];
	struct pf_link		 lk[PF_ATT_MAX];
	const char		*s, *place;
	double			 lat, lon;
	size_t			 i, n;

	if (it->target != NULL && it->parent == PF_TL_NONE)
		printf("%s%s a post by %s (not at hand)\n", ind,
		    pf_tl_is_like(it) ? "likes" : "comments on",
		    ref_author(t, it->target));
	if (strcmp(p->type, "Event") == 0)
		print_event(ind, p);
	else if (strcmp(p->type, "Note") != 0 && !pf_tl_is_like(it)) {
		printf("%s%s", ind, p->type);
		if ((s = pf_post_str(p, "name")) != NULL)
			printf(" %s", s);
		if ((s = pf_post_str(p, "object")) != NULL)
			printf(": %s", s);
		if ((s = pf_post_str(p, "target")) != NULL)
			printf(" (to %s)", s);
		putchar('\n');
	}
	if ((s = pf_post_str(p, "content")) != NULL)
		print_text(ind, "", s);
	n = pf_post_images(p, img, PF_ATT_MAX);
	for (i = 0; i < n; i++)
		print_image(t, ind, p, &img[i]);
	n = pf_post_links(p, lk, PF_ATT_MAX);
	for (i = 0; i < n; i++)
		printf("%slink: %s%s%s%s\n", ind, lk[i].href, lk[i].name ?
		    " (" : "", lk[i].name ? lk[i].name : "", lk[i].name ? ")" : "");
	if (pf_post_place(p, &lat, &lon, &place))
		printf("%splace: %s%s(%.5f, %.5f)\n", ind, place ? place : "",
		    place ? " " : "", lat, lon);
}

/* "3 likes: Bob, Carol, you" under item i, if it has any. */
static void
print_likes(struct tl *t, const char *ind, size_t i)
{
	const char	*fprs[LIKERS_SHOWN];
	size_t		 n, k;

	if ((n = pf_tl_likes(&t->w, i, fprs, LIKERS_SHOWN)) == 0)
		return;
	printf("%s%zu like%s: ", ind, n, n == 1 ? "" : "s");
	for (k = 0; k < n && k < LIKERS_SHOWN; k++)
		printf("%s%s", k ? ", " : "", name_of(t, fprs[k]));
	printf("%s\n", n > LIKERS_SHOWN ? ", ..." : "");
}

/*
 * Item i and what hangs under it: its header line, its body, its likes,
 * then its comments (oldest first), each one step further in.  A like
 * whose post is here is only counted on that post.
 */
static void
print_thread(struct tl *t, size_t i, int depth)
{
	const struct pf_post	*p = t->w.v[i].p;
	char			 ind[2 * DEPTH_MAX + 3], ago[PF_WHEN_MAX];
	size_t			 j;
	int			 d = depth < DEPTH_MAX ? depth : DEPTH_MAX;

	t->shown[i] = 1;
	memset(ind, ' ', sizeof(ind));
	ind[2 * d] = '\0';
	pf_when_ago(p->published_ms, t->now, ago);
	printf("%s%s%s  %s  ", ind, depth ? "> " : "", name_of(t, p->author),
	    ago);
	print_audience(t, p);
	printf("%s\n", p->updated_ms != p->published_ms ? "  (edited)" : "");
	ind[2 * d] = ' ';
	ind[2 * d + 2] = '\0';
	print_body(t, ind, &t->w.v[i]);
	print_likes(t, ind, i);
	/* The window is newest first: a conversation reads oldest first. */
	for (j = t->w.n; j-- > 0; )
		if (t->w.v[j].parent == i && !pf_tl_is_like(&t->w.v[j]) &&
		    !t->shown[j])
			print_thread(t, j, depth + 1);
}

/* --long: every field of the post, as `peerfeed show` prints it. */
static enum pf_err
print_long(struct tl *t, size_t i)
{
	struct pf_buf	 out = { 0 };
	const struct pf_post *p = t->w.v[i].p;
	char		 when[PF_WHEN_MAX];
	enum pf_err	 e;

	if ((e = pf_post_render(p, NULL, &out)) == PF_OK) {
		pf_when_local(p->published_ms, when);
		printf("%s  %s  to: ", name_of(t, p->author), when);
		print_audience(t, p);
		putchar('\n');
		print_text("  ", "", out.data ? out.data : "");
	}
	pf_buf_free(&out);
	return e;
}

/* --json visitor: one post of the window as an array element, exact bytes. */
static enum pf_err
print_json(const struct pf_entry *en, void *arg)
{
	struct tl	*t = arg;
	struct pf_keyinfo k;
	struct pf_buf	 b = { 0 };
	enum pf_err	 e;

	t->seen++;
	if ((t->all == 0 && strcmp(en->author, t->n->self) == 0) ||
	    t->njson == t->want)
		return PF_OK;
	if ((e = pf_buf_addstr(&b, t->njson++ ? ",\n{\"author\": " :
	    "{\"author\": ")) == PF_OK &&
	    (e = pf_buf_json_str(&b, en->author)) == PF_OK &&
	    (e = pf_buf_addstr(&b, ", \"name\": ")) == PF_OK &&
	    (e = pf_buf_json_str(&b, uid_of(t, en->author, &k))) == PF_OK &&
	    (e = pf_buf_addstr(&b, ", \"post\": ")) == PF_OK &&
	    (e = pf_buf_add(&b, en->json, en->json_len)) == PF_OK)
		printf("%s}", b.data);
	pf_buf_free(&b);
	return e;
}

/* --json: the newest posts in chunks until want were printed or none are left. */
static enum pf_err
walk_json(struct tl *t, const char *author)
{
	size_t		skip = 0;
	enum pf_err	e;

	do {
		t->seen = 0;
		e = pf_index_timeline(t->n->ix, author, skip, CHUNK, print_json,
		    t);
		skip += CHUNK;
	} while (e == PF_OK && t->seen == CHUNK && t->njson < t->want);
	return e;
}

/* The window as text: each thread once, where its newest item is. */
static enum pf_err
print_window(struct tl *t)
{
	size_t		i, r, k = 0;
	enum pf_err	e = PF_OK;

	if ((t->shown = calloc(t->w.n ? t->w.n : 1, 1)) == NULL)
		return pf_err(PF_ERR_NOMEM, "out of memory");
	for (i = 0; i < t->w.nwin && e == PF_OK; i++) {
		r = t->lng ? i : pf_tl_root(&t->w, i);
		if (t->shown[r])
			continue;
		fputs(k++ ? "\n" : "", stdout);
		if (t->lng) {
			t->shown[r] = 1;
			e = print_long(t, r);
		} else
			print_thread(t, r, 0);
	}
	free(t->shown);
	t->shown = NULL;
	return e;
}

/* The members of group name into f (the group list stays the caller's). */
static int
group_filter(struct pf_node *n, const char *name, struct pf_group **g,
    size_t *ng, struct pf_tl_filter *f)
{
	size_t i;

	if (pf_group_list(n->gnupghome, g, ng) != PF_OK)
		return cli_fail("--group");
	for (i = 0; i < *ng && strcmp((*g)[i].name, name) != 0; i++)
		;
	if (i == *ng) {
		pf_log("--group %s: no such group (peerfeed group list)", name);
		return 1;
	}
	f->members = (*g)[i].members;
	f->nmembers = (*g)[i].n;
	return 0;
}

struct tl_args {
	struct pf_tl_filter	 f;
	size_t			 limit;
	char			 fpr[PF_FPR_MAX];
	const char		*group;
};

static int
tl_opts(int argc, char **argv, struct tl *t, struct tl_args *a)
{
	static const struct option opts[] = {
		{ "limit", required_argument, NULL, 'n' },
		{ "friend", required_argument, NULL, 'f' },
		{ "friends", no_argument, NULL, 'F' },
		{ "all", no_argument, NULL, 'a' },
		{ "group", required_argument, NULL, 'g' },
		{ "mentions", no_argument, NULL, 'm' },
		{ "long", no_argument, NULL, 'l' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	char	*end;
	long	 limit;
	int	 ch;

	while ((ch = getopt_long(argc, argv, "n:", opts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			limit = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || limit < 1 ||
			    limit > PF_TL_MAX)
				return -1;
			a->limit = (size_t)limit;
			break;
		case 'f':
			if (pf_fpr_normalize(optarg, a->fpr) != PF_OK)
				return cli_fail("--friend"), -1;
			a->f.author = a->fpr;
			break;
		case 'F': t->all = 0; break;
		case 'a': t->all = 1; break;
		case 'g': a->group = optarg; break;
		case 'm': a->f.mentions = 1; t->all = 1; break;
		case 'l': t->lng = 1; break;
		case 'j': t->json = 1; break;
		default: return -1;
		}
	}
	return optind == argc ? 0 : -1;
}

/* The window: as JSON (the exact post bytes), or as threads of text. */
static enum pf_err
tl_print(struct tl *t, struct tl_args *a)
{
	enum pf_err e;

	if (t->json) {
		printf("{\"posts\": [\n");
		t->want = a->limit;
		if ((e = walk_json(t, a->f.author)) == PF_OK)
			printf("\n]}\n");
		return e;
	}
	a->f.self = t->n->self;
	a->f.friends = !t->all;
	if ((e = pf_tl_load(t->n->ix, &a->f, 0, a->limit, &t->w)) != PF_OK)
		return e;
	if (t->w.nwin == 0)
		printf(a->f.mentions ? "No likes or comments on your posts "
		    "yet.\n" : "No posts yet.\n");
	return print_window(t);
}

int
cli_timeline(const char *dir, int argc, char **argv)
{
	struct tl	 t;
	struct tl_args	 a;
	struct pf_group	*g = NULL;
	size_t		 ng = 0;
	int		 rc = 1;

	memset(&t, 0, sizeof(t));
	memset(&a, 0, sizeof(a));
	a.limit = 50;
	if (tl_opts(argc, argv, &t, &a) == -1)
		return cli_usage(cli_find("timeline"), 1);
	if (pf_node_open(pf_store_dir(dir), PF_NODE_KEYRING | PF_NODE_INDEX,
	    &t.n) != PF_OK)
		return cli_fail(NULL);
	t.now = pf_now_ms();
	if (a.group != NULL && group_filter(t.n, a.group, &g, &ng, &a.f) != 0)
		goto out;
	if (tl_print(&t, &a) != PF_OK) {
		cli_fail(NULL);
		goto out;
	}
	rc = 0;
out:
	pf_tl_free(&t.w);
	pf_group_free(g, ng);
	pf_node_close(t.n);
	return rc;
}
