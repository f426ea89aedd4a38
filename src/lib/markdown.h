/* markdown.h: a post's text/markdown content as safe HTML (cmark). */
#ifndef PF_MARKDOWN_H
#define PF_MARKDOWN_H

#include "pf.h"

/*
 * Append the HTML rendering of len bytes of CommonMark md to out
 * (doc/PROTOCOL.md "Types", Note mediaType).  The rendering is safe to put
 * inside an HTML element: raw HTML in the source comes out as a comment
 * ("<!-- raw HTML omitted -->"), link and image URLs with a javascript:,
 * vbscript:, file: or data: scheme (data: images of png, gif, jpeg and
 * webp aside) become empty, and every text byte is escaped.  Images in the
 * source are rendered as links, never loaded.  Errors: PF_ERR_NOMEM, or
 * whatever out's limit gives (PF_ERR_LIMIT); out keeps what it had on error.
 */
enum pf_err	pf_markdown_html(const char *md, size_t len, struct pf_buf *out);

/* True if a post's mediaType (NULL: the default) says its content is CommonMark. */
int		pf_markdown_is(const char *media_type);

#endif
