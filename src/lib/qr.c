/* qr.c: QR codes for the terminal and for HTML, the only user of libqrencode. */
#include "config.h"

#include "qr.h"

#ifdef HAVE_QRENCODE
#include <qrencode.h>

#define QUIET	4

/* Dark module at (x, y), with the quiet zone around the symbol. */
static int
dark(const QRcode *q, int x, int y)
{
	x -= QUIET;
	y -= QUIET;
	if (x < 0 || y < 0 || x >= q->width || y >= q->width)
		return 0;
	return q->data[y * q->width + x] & 1;
}

enum pf_err
pf_qr_render(const char *text, struct pf_buf *out)
{
	/* Indexed by (top dark) << 1 | bottom dark; light modules print as ink. */
	static const char *cell[4] = { "\xe2\x96\x88", "\xe2\x96\x80",
	    "\xe2\x96\x84", " " };
	QRcode		*q;
	int		 x, y, size;
	enum pf_err	 e = PF_OK;

	if ((q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1)) == NULL)
		return pf_err(PF_ERR_INVALID, "cannot encode a QR code");
	size = q->width + 2 * QUIET;
	for (y = 0; y < size && e == PF_OK; y += 2) {
		for (x = 0; x < size && e == PF_OK; x++)
			e = pf_buf_addstr(out, cell[dark(q, x, y) << 1 |
			    dark(q, x, y + 1)]);
		if (e == PF_OK)
			e = pf_buf_addstr(out, "\n");
	}
	QRcode_free(q);
	return e;
}

enum pf_err
pf_qr_svg(const char *text, struct pf_buf *out)
{
	QRcode		*q;
	int		 x, y, size;
	enum pf_err	 e;

	if ((q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1)) == NULL)
		return pf_err(PF_ERR_INVALID, "cannot encode a QR code");
	size = q->width + 2 * QUIET;
	e = pf_buf_printf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" "
	    "aria-label=\"QR code\"><rect width=\"%d\" height=\"%d\" "
	    "fill=\"#fff\"/><path fill=\"#000\" d=\"", size, size, size * 4,
	    size * 4, size, size);
	for (y = 0; y < size && e == PF_OK; y++)
		for (x = 0; x < size && e == PF_OK; x++)
			if (dark(q, x, y))
				e = pf_buf_printf(out, "M%d %dh1v1h-1z", x, y);
	if (e == PF_OK)
		e = pf_buf_addstr(out, "\"/></svg>");
	QRcode_free(q);
	return e;
}
#else
enum pf_err
pf_qr_render(const char *text, struct pf_buf *out)
{
	(void)text;
	(void)out;
	return pf_err(PF_ERR_CONFIG, "built without libqrencode "
	    "(install libqrencode-dev and rebuild)");
}

enum pf_err
pf_qr_svg(const char *text, struct pf_buf *out)
{
	return pf_qr_render(text, out);
}
#endif
