/* qr.h: QR codes for a terminal (Unicode half blocks) or HTML (SVG), by libqrencode. */
#ifndef PF_QR_H
#define PF_QR_H

#include "pf.h"

/*
 * Append text as a QR code (error correction M, 4-module quiet zone) to
 * out, two modules per character cell, dark on light.  PF_ERR_CONFIG if
 * peerfeed was built without libqrencode.
 */
enum pf_err	pf_qr_render(const char *text, struct pf_buf *out);
/*
 * As pf_qr_render(), as an inline SVG element: one unit per module, black
 * on white, 4 CSS pixels a module.  Nothing in it comes from text but the
 * modules, so it needs no escaping.
 */
enum pf_err	pf_qr_svg(const char *text, struct pf_buf *out);

#endif
