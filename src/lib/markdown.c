/* markdown.c: CommonMark to safe HTML, the only user of libcmark. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <cmark.h>

#include "markdown.h"

int
pf_markdown_is(const char *media_type)
{
	return media_type != NULL && strcmp(media_type, "text/markdown") == 0;
}

/*
 * An image in a friend's post would make the reader's browser fetch a URL
 * of the author's choosing (a tracking pixel); it becomes a link with the
 * same text and URL.  Returns 0, or -1 if memory ran out.
 */
static int
image_to_link(cmark_iter *it, cmark_node *img)
{
	cmark_node	*link, *child;

	if ((link = cmark_node_new(CMARK_NODE_LINK)) == NULL ||
	    !cmark_node_set_url(link, cmark_node_get_url(img))) {
		if (link != NULL)
			cmark_node_free(link);
		return -1;
	}
	while ((child = cmark_node_first_child(img)) != NULL)
		cmark_node_append_child(link, child);
	cmark_node_replace(img, link);
	cmark_node_free(img);
	/* The iterator stood on img; it goes on after the link. */
	cmark_iter_reset(it, link, CMARK_EVENT_EXIT);
	return 0;
}

static int
images_to_links(cmark_node *doc)
{
	cmark_iter		*it;
	cmark_event_type	 ev;
	cmark_node		*n;
	int			 rc = 0;

	if ((it = cmark_iter_new(doc)) == NULL)
		return -1;
	while (rc == 0 && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		n = cmark_iter_get_node(it);
		if (ev == CMARK_EVENT_EXIT && cmark_node_get_type(n) ==
		    CMARK_NODE_IMAGE)
			rc = image_to_link(it, n);
	}
	cmark_iter_free(it);
	return rc;
}

enum pf_err
pf_markdown_html(const char *md, size_t len, struct pf_buf *out)
{
	/*
	 * CMARK_OPT_SAFE (cmark's default since 0.29, named for older ones):
	 * no raw HTML, no dangerous URL schemes.
	 */
	const int	 opt = CMARK_OPT_SAFE | CMARK_OPT_VALIDATE_UTF8;
	cmark_node	*doc;
	char		*html = NULL;
	size_t		 was = out->len;
	enum pf_err	 e = PF_OK;

	if ((doc = cmark_parse_document(md, len, opt)) == NULL ||
	    images_to_links(doc) != 0 ||
	    (html = cmark_render_html(doc, opt)) == NULL) {
		e = pf_err(PF_ERR_NOMEM, "markdown: out of memory");
		goto out;
	}
	if ((e = pf_buf_addstr(out, html)) != PF_OK)
		out->len = was;
out:
	free(html);
	if (doc != NULL)
		cmark_node_free(doc);
	return e;
}
