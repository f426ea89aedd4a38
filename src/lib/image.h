/*
 * image.h: images checked by decoding them, never by their name, and
 * cleaned before they are signed and stored (doc/PROTOCOL.md "Images").
 * image.c is the only user of libvips.
 */
#ifndef PF_IMAGE_H
#define PF_IMAGE_H

#include "pf.h"

#define PF_IMAGE_SIDE_MAX	2048	/* pixels on the long side, stored */
#define PF_IMAGE_THUMB_SIDE	480	/* pixels on the long side, thumbnail */
#define PF_IMAGE_THUMB_MAX	(512 * 1024) /* bytes of a thumbnail a check returns */
#define PF_IMAGE_PIXELS_MAX	100000000 /* width x height a decoder may be asked for */

/*
 * Turn len bytes of an uploaded picture into what is stored and signed:
 * decoded (JPEG, PNG, WebP, GIF, HEIC or AVIF, found by content), turned
 * upright by its EXIF orientation, scaled down to at most
 * PF_IMAGE_SIDE_MAX pixels on the long side, converted to sRGB, and
 * encoded again without any metadata (EXIF with its GPS position, XMP,
 * IPTC, ICC, comments).  JPEG, HEIC and AVIF become JPEG, PNG stays
 * PNG, GIF stays GIF with all its frames (an animation: the pixel limit
 * counts them all), WebP stays WebP.  out gets the bytes (replacing
 * its contents), *type their mediaType (a static string).  Errors, with
 * pf_errmsg() naming the rule: PF_ERR_INVALID (not an image peerfeed
 * decodes, or it does not decode to the end), PF_ERR_LIMIT (more than
 * PF_IMAGE_PIXELS_MAX pixels: a decompression bomb is refused before it is
 * decoded), PF_ERR_NOMEM.
 */
enum pf_err	pf_image_prepare(const void *data, size_t len,
		    struct pf_buf *out, const char **type);

/*
 * A thumbnail of len bytes of a picture, for timelines: at most
 * PF_IMAGE_THUMB_SIDE pixels on the long side, upright, sRGB, WebP without
 * any metadata, made from every pixel.  A local cache beside the media
 * (thumbs/<sha256> of the full picture), never on the wire.  out gets the
 * bytes (replacing its contents).  The errors of pf_image_prepare().
 */
enum pf_err	pf_image_thumb(const void *data, size_t len, struct pf_buf *out);

/*
 * Check that len bytes decode, to the end, as an image of the given
 * mediaType ("image/png") within the same limits, in a child process:
 * its thumbnail (pf_image_thumb()) is made from every pixel and goes to
 * thumb (replacing its contents; empty if over PF_IMAGE_THUMB_MAX bytes)
 * unless thumb is NULL.  The errors of
 * pf_image_thumb(), PF_ERR_INVALID if the content is another type than
 * declared or the decoder died, PF_ERR_SYS if no process could be
 * started.
 */
enum pf_err	pf_image_check(const void *data, size_t len, const char *type,
		    struct pf_buf *thumb);

#endif
