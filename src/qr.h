/* qr.h: QR codes drawn with Unicode half blocks for a terminal (libqrencode). */
#ifndef PF_QR_H
#define PF_QR_H

#include "pf.h"

/*
 * Append text as a QR code (error correction M, 4-module quiet zone) to
 * out, two modules per character cell, dark on light.  PF_ERR_CONFIG if
 * peerfeed was built without libqrencode.
 */
enum pf_err	pf_qr_render(const char *text, struct pf_buf *out);

#endif
