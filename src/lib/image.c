/*
 * image.c: images decoded, checked, turned upright, scaled and stripped of
 * their metadata; the only user of libvips.  A picture's type comes from
 * its content (the decoder that recognises it), never from its name.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vips/vips.h>

#include "image.h"

/* What peerfeed decodes, and what a posted image of that kind becomes. */
static const struct format {
	const char	*loader;	/* vips_foreign_find_load_buffer()'s class */
	const char	*type;		/* its mediaType */
	const char	*stored;	/* the mediaType a posted image is saved as */
} formats[] = {
	{ "VipsForeignLoadJpegBuffer", "image/jpeg", "image/jpeg" },
	{ "VipsForeignLoadPngBuffer", "image/png", "image/png" },
	{ "VipsForeignLoadSpngBuffer", "image/png", "image/png" },
	{ "VipsForeignLoadWebpBuffer", "image/webp", "image/webp" },
	/* A GIF keeps its frames: an animation stays one. */
	{ "VipsForeignLoadNsgifBuffer", "image/gif", "image/gif" },
	/* HEIC and AVIF are both HEIF files; a phone's photo becomes a JPEG. */
	{ "VipsForeignLoadHeifBuffer", "image/heic", "image/jpeg" },
	{ "VipsForeignLoadHeifBuffer", "image/avif", "image/jpeg" },
};
#define NFORMATS	(sizeof(formats) / sizeof(formats[0]))
#define KINDS		"JPEG, PNG, WebP, GIF, HEIC or AVIF"

/* libvips's last error as a pf_err, its first line after what. */
static enum pf_err
fail(enum pf_err code, const char *what)
{
	char	msg[256];

	snprintf(msg, sizeof(msg), "%s", vips_error_buffer());
	vips_error_clear();
	msg[strcspn(msg, "\n")] = '\0';
	return pf_err(code, "%s%s%s", what, *msg ? ": " : "", msg);
}

/* libvips's warnings go to stderr; library code prints nothing. */
static void
quiet(const gchar *domain, GLogLevelFlags level, const gchar *msg, gpointer arg)
{
	(void)domain;
	(void)level;
	(void)msg;
	(void)arg;
}

/* Set once libvips runs in this process (its threads with it). */
static int	done;

static enum pf_err
init(void)
{
	if (done)
		return PF_OK;
	if (VIPS_INIT("peerfeed") != 0)
		return fail(PF_ERR_NOMEM, "libvips cannot start");
	/* Only the decoders above are wanted; the rest stay off (8.13+). */
	vips_block_untrusted_set(TRUE);
	vips_cache_set_max(0);
	g_log_set_handler("VIPS", G_LOG_LEVEL_WARNING, quiet, NULL);
	done = 1;
	return PF_OK;
}

/* True for a format whose every frame is decoded (n=-1): an animation. */
static int
animated(const struct format *fmt)
{
	return strcmp(fmt->type, "image/gif") == 0;
}

/*
 * The format of data, found by content, whose header says a size within
 * the limits (all its frames together).  Nothing is decoded yet: a
 * decompression bomb (a few kilobytes that say 100000 x 100000, or a
 * thousand frames) stops here.
 */
static enum pf_err
probe(const void *data, size_t len, const struct format **fmt)
{
	const char	*loader;
	VipsImage	*hdr;
	char		 frames[32] = "";
	double		 px;
	int		 w, h, n;
	size_t		 i;

	if ((loader = vips_foreign_find_load_buffer(data, len)) == NULL)
		vips_error_clear();
	for (i = 0; loader != NULL && i < NFORMATS; i++)
		if (strcmp(loader, formats[i].loader) == 0)
			break;
	if (loader == NULL || i == NFORMATS)
		return pf_err(PF_ERR_INVALID, "not a picture peerfeed takes: "
		    "its content is no %s image", KINDS);
	*fmt = &formats[i];
	if ((hdr = vips_image_new_from_buffer(data, len, "", "access",
	    VIPS_ACCESS_SEQUENTIAL, NULL)) == NULL)
		return fail(PF_ERR_INVALID, "the picture does not decode");
	w = vips_image_get_width(hdr);
	h = vips_image_get_height(hdr);
	n = animated(*fmt) ? vips_image_get_n_pages(hdr) : 1;
	g_object_unref(hdr);
	px = (double)w * (double)h * (double)n;
	if (n > 1)
		snprintf(frames, sizeof(frames), " in %d frames", n);
	if (px > PF_IMAGE_PIXELS_MAX)
		return pf_err(PF_ERR_LIMIT, "the picture is %d x %d pixels%s, "
		    "more than %d million: refused before decoding", w, h,
		    frames, PF_IMAGE_PIXELS_MAX / 1000000);
	return PF_OK;
}

/*
 * Decode data of format fmt to the end (a decoder's warning is an error),
 * every frame of an animation, upright by its orientation tag, scaled
 * down to side pixels on the long side (of each frame), in sRGB.
 */
static enum pf_err
scaled(const void *data, size_t len, const struct format *fmt, int side,
    VipsImage **out)
{
	if (vips_thumbnail_buffer((void *)(uintptr_t)data, len, out, side,
	    "height", side, "size", VIPS_SIZE_DOWN, "option_string",
	    animated(fmt) ? "fail=true,n=-1" : "fail=true", "export_profile",
	    "srgb", NULL) != 0)
		return fail(PF_ERR_INVALID, "the picture does not decode");
	return PF_OK;
}

/* vips_image_map(): remove a field of the original's metadata from im. */
static void *
unmeta(VipsImage *im, const char *name, GValue *value, void *arg)
{
	static const char *const blobs[] = { VIPS_META_EXIF_NAME,
	    VIPS_META_XMP_NAME, VIPS_META_IPTC_NAME, VIPS_META_ICC_NAME,
	    VIPS_META_PHOTOSHOP_NAME, "gif-comment" };
	size_t	i;

	(void)value;
	(void)arg;
	for (i = 0; i < sizeof(blobs) / sizeof(blobs[0]); i++)
		if (strcmp(name, blobs[i]) == 0)
			break;
	/* exif-ifd*: the fields an encoder would rebuild EXIF from. */
	if (i < sizeof(blobs) / sizeof(blobs[0]) ||
	    strncmp(name, "exif-", 5) == 0)
		(void)vips_image_remove(im, name);
	return NULL;
}

/*
 * Encode im as type into out, without the original's metadata.  The
 * encoders' strip is not enough alone: libvips 8.14's WebP encoder
 * ignores it and writes the EXIF (a GPS position included), XMP and ICC
 * it finds, so they are removed from a copy of the image first; what is
 * left in a WebP is the bare EXIF block libvips always writes there
 * (orientation normal, resolution, size).
 */
static enum pf_err
save(VipsImage *im, const char *type, struct pf_buf *out)
{
	VipsImage	*bare;
	void		*buf = NULL;
	size_t		 n = 0;
	int		 rc;
	enum pf_err	 e;

	if (vips_copy(im, &bare, NULL) != 0)
		return fail(PF_ERR_NOMEM, "the picture cannot be copied");
	(void)vips_image_map(bare, unmeta, NULL);
	im = bare;
	if (strcmp(type, "image/jpeg") == 0)
		rc = vips_jpegsave_buffer(im, &buf, &n, "Q", 85, "strip", TRUE,
		    "optimize_coding", TRUE, NULL);
	else if (strcmp(type, "image/png") == 0)
		rc = vips_pngsave_buffer(im, &buf, &n, "strip", TRUE, NULL);
	else if (strcmp(type, "image/gif") == 0)
		rc = vips_gifsave_buffer(im, &buf, &n, "strip", TRUE, NULL);
	else
		rc = vips_webpsave_buffer(im, &buf, &n, "Q", 80, "strip", TRUE,
		    NULL);
	g_object_unref(bare);
	/* Decoding happens here, as the encoder pulls the pixels. */
	if (rc != 0)
		return fail(PF_ERR_INVALID, "the picture does not decode");
	pf_buf_reset(out);
	e = pf_buf_add(out, buf, n);
	g_free(buf);
	return e;
}

enum pf_err
pf_image_prepare(const void *data, size_t len, struct pf_buf *out,
    const char **type)
{
	const struct format	*fmt;
	VipsImage		*im = NULL;
	enum pf_err		 e;

	if ((e = init()) != PF_OK || (e = probe(data, len, &fmt)) != PF_OK ||
	    (e = scaled(data, len, fmt, PF_IMAGE_SIDE_MAX, &im)) != PF_OK ||
	    (e = save(im, fmt->stored, out)) != PF_OK)
		goto out;
	*type = fmt->stored;
out:
	if (im != NULL)
		g_object_unref(im);
	return e;
}

/* True if the content's format fmt may be served as the declared type. */
static int
declared(const struct format *fmt, const char *type)
{
	size_t	i;

	if (strcmp(type, fmt->type) == 0)
		return 1;
	for (i = 0; i < NFORMATS; i++)
		if (strcmp(formats[i].loader, fmt->loader) == 0 &&
		    strcmp(formats[i].type, type) == 0)
			return 1;
	return strcmp(fmt->loader, "VipsForeignLoadHeifBuffer") == 0 &&
	    strcmp(type, "image/heif") == 0;
}

enum pf_err
pf_image_thumb(const void *data, size_t len, struct pf_buf *out)
{
	const struct format	*fmt;
	VipsImage		*im = NULL;
	enum pf_err		 e;

	if ((e = init()) == PF_OK && (e = probe(data, len, &fmt)) == PF_OK &&
	    (e = scaled(data, len, fmt, PF_IMAGE_THUMB_SIDE, &im)) == PF_OK)
		e = save(im, "image/webp", out);
	if (im != NULL)
		g_object_unref(im);
	return e;
}

/* The check itself, in the child process of pf_image_check(). */
static enum pf_err
check(const void *data, size_t len, const char *type, struct pf_buf *thumb)
{
	const struct format	*fmt;
	enum pf_err		 e;

	if ((e = init()) != PF_OK || (e = probe(data, len, &fmt)) != PF_OK)
		return e;
	if (!declared(fmt, type))
		return pf_err(PF_ERR_INVALID, "the picture is declared %s but "
		    "its content is %s", type, fmt->type);
	/* A thumbnail is made from every pixel: it is the decoding check. */
	return pf_image_thumb(data, len, thumb);
}

/* pf_image_check()'s arguments, for its child. */
struct check_arg {
	const void	*data;
	size_t		 len;
	const char	*type;
};

/* What the child sends back: the thumbnail, if it is not too large. */
struct check_res {
	size_t		len;
	unsigned char	data[PF_IMAGE_THUMB_MAX];
};

static enum pf_err
check_child(void *arg, void *res, size_t size)
{
	const struct check_arg	*c = arg;
	struct check_res	*r = res;
	struct pf_buf		 thumb = { 0 };
	enum pf_err		 e;

	(void)size;
	e = check(c->data, c->len, c->type, &thumb);
	if (e == PF_OK && thumb.len <= sizeof(r->data)) {
		memcpy(r->data, thumb.data, thumb.len);
		r->len = thumb.len;
	}
	pf_buf_free(&thumb);
	return e;
}

/*
 * A friend's bytes are decoded in a child process: a decoder that crashes
 * on them takes only the child along, and the caller (the fetcher, which
 * goes on to sign requests with gpgme) never starts libvips's threads.
 */
enum pf_err
pf_image_check(const void *data, size_t len, const char *type,
    struct pf_buf *thumb)
{
	struct check_arg	 c = { data, len, type };
	struct check_res	*r;
	struct pf_buf		 drop = { 0 };
	enum pf_err		 e;
	int			 died;

	/*
	 * A child forked after libvips started its threads would wait for
	 * them forever: a process that has used libvips checks in place.
	 */
	if (done) {
		e = check(data, len, type, thumb != NULL ? thumb : &drop);
		pf_buf_free(&drop);
		return e;
	}
	if ((r = malloc(sizeof(*r))) == NULL)
		return pf_err(PF_ERR_NOMEM, "out of memory");
	e = pf_child_call(check_child, &c, r, sizeof(*r), &died);
	if (died)
		e = pf_err(PF_ERR_INVALID, "the picture does not decode: "
		    "the decoder died");
	else if (e == PF_OK && thumb != NULL) {
		pf_buf_reset(thumb);
		e = pf_buf_add(thumb, r->data, r->len);
	}
	free(r);
	return e;
}
