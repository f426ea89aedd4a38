/*
 * cli_timeline.c: peerfeed timeline, friends' posts newest first, with
 * the author's name from the keyring, the audience, and the type-specific
 * rendering of post.c (image path, link, place, event times).
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "index.h"
#include "keyring.h"
#include "node.h"
#include "post.h"
#include "store.h"

#define CHUNK	200	/* timeline entries per index call */
#define IMAGE_TAG "image: "	/* how pf_post_render() starts an image line */

struct tl {
	struct pf_node	*n;
	int		 json;
	size_t		 want;		/* posts to show */
	size_t		 shown;
	size_t		 seen;		/* entries visited in this chunk */
};

/*
 * Print one rendered line, indented.  An image line names the attachment
 * by its digest: it becomes the local path once the fetcher has the file,
 * and says it has not yet otherwise.
 */
static void
print_line(struct tl *t, const char *author, const char *line)
{
	char	rel[192], *path;
	size_t	k = sizeof(IMAGE_TAG) - 1;

	if (strncmp(line, IMAGE_TAG, k) != 0 ||
	    strspn(line + k, "0123456789abcdef") != PF_SHA256_HEX - 1) {
		printf("  %s\n", line);
		return;
	}
	snprintf(rel, sizeof(rel), "friends/%.64s/media/%.64s", author,
	    line + k);
	if (!pf_store_exists(t->n->st, rel) ||
	    (path = pf_store_join(t->n->st, rel)) == NULL) {
		printf("  %s, not fetched yet\n", line);
		return;
	}
	printf("  %s%s%s\n", IMAGE_TAG, path, line + k + PF_SHA256_HEX - 1);
	free(path);
}

/* The rendering of one post, indented under its header line. */
static enum pf_err
print_text(struct tl *t, const struct pf_entry *en, const struct pf_post *p,
    const char *name)
{
	struct pf_buf	 out = { 0 };
	char		 when[32], *line, *nl;
	size_t		 i;
	enum pf_err	 e;

	if ((e = pf_post_render(p, NULL, &out)) == PF_OK) {
		pf_time_fmt(p->published_ms, when);
		printf("%s%s  %s  to:", t->shown ? "\n" : "", name, when);
		for (i = 0; i < p->nto; i++)
			printf(" %s", p->to[i]);
		putchar('\n');
		for (line = out.data; line != NULL && *line != '\0'; line = nl) {
			if ((nl = strchr(line, '\n')) != NULL)
				*nl++ = '\0';
			print_line(t, en->author, line);
		}
	}
	pf_buf_free(&out);
	return e;
}

/* Visitor: one friend's post, as text or as a JSON array element. */
static enum pf_err
show(const struct pf_entry *en, void *arg)
{
	struct tl		*t = arg;
	struct pf_keyinfo	 k;
	struct pf_post		*p = NULL;
	struct pf_buf		 b = { 0 };
	const char		*name;
	char			 msg[300];
	enum pf_err		 e;

	t->seen++;
	if (strcmp(en->author, t->n->self) == 0 || t->shown == t->want)
		return PF_OK;
	name = pf_keyring_lookup(t->n->kr, en->author, &k) == PF_OK ? k.uid :
	    en->author;
	if ((e = pf_post_parse(en->json, en->json_len, &p)) != PF_OK) {
		snprintf(msg, sizeof(msg), "%s", pf_errmsg());
		return pf_err(e, "%s/%s: %s", en->author, en->id, msg);
	}
	if (t->json) {
		if ((e = pf_buf_addstr(&b, t->shown ? ",\n{\"author\": " :
		    "{\"author\": ")) == PF_OK &&
		    (e = pf_buf_json_str(&b, en->author)) == PF_OK &&
		    (e = pf_buf_addstr(&b, ", \"name\": ")) == PF_OK &&
		    (e = pf_buf_json_str(&b, name)) == PF_OK &&
		    (e = pf_buf_addstr(&b, ", \"post\": ")) == PF_OK &&
		    (e = pf_buf_add(&b, en->json, en->json_len)) == PF_OK)
			printf("%s}", b.data);
	} else
		e = print_text(t, en, p, name);
	t->shown += e == PF_OK;
	pf_buf_free(&b);
	pf_post_free(p);
	return e;
}

/* Walk the timeline in chunks until want posts were shown or it ends. */
static enum pf_err
walk(struct tl *t, const char *author)
{
	size_t		skip = 0;
	enum pf_err	e;

	do {
		t->seen = 0;
		e = pf_index_timeline(t->n->ix, author, skip, CHUNK, show, t);
		skip += CHUNK;
	} while (e == PF_OK && t->seen == CHUNK && t->shown < t->want);
	return e;
}

int
cli_timeline(const char *dir, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "limit", required_argument, NULL, 'n' },
		{ "friend", required_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct tl	 t = { NULL, 0, 20, 0, 0 };
	char		 fpr[PF_FPR_MAX] = "", *end;
	long		 limit;
	int		 ch, rc = 1;

	while ((ch = getopt_long(argc, argv, "n:", opts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			limit = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || limit < 1 ||
			    limit > 100000)
				return cli_usage(cli_find("timeline"), 1);
			t.want = (size_t)limit;
			break;
		case 'f':
			if (pf_fpr_normalize(optarg, fpr) != PF_OK)
				return cli_fail("--friend");
			break;
		case 'j': t.json = 1; break;
		default: return cli_usage(cli_find("timeline"), 1);
		}
	}
	if (optind != argc)
		return cli_usage(cli_find("timeline"), 1);
	if (pf_node_open(pf_store_dir(dir), PF_NODE_KEYRING | PF_NODE_INDEX,
	    &t.n) != PF_OK)
		return cli_fail(NULL);
	if (t.json)
		printf("{\"posts\": [\n");
	if (walk(&t, fpr[0] ? fpr : NULL) != PF_OK) {
		cli_fail(NULL);
		goto out;
	}
	if (t.json)
		printf("\n]}\n");
	rc = 0;
out:
	pf_node_close(t.n);
	return rc;
}
