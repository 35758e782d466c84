/*
 * serial.h - certificate serials in the one text form the certificates
 * table keys them by: upper-case hex without leading zeros, 1-40 digits
 * (RFC 5280 §4.1.2.2: at most 20 octets).
 *
 * These strip leading zeros themselves rather than trust
 * gmpki_serial_hex to (it kept whole bytes, "0F3A...", from BN_bn2hex,
 * while cert.h says "without leading zeros"), so a serial whose first
 * octet is below 0x10 (one in eight of ours) is stored and found under
 * the same key whichever way it arrives.
 */
#ifndef SVC_SERIAL_H
#define SVC_SERIAL_H

#include <openssl/asn1.h>

#define SVC_SERIAL_MAX 40

/* A positive serial to its key; GMPKI_ERR_ARG for zero, negative or
 * longer than 20 octets. */
int svc_serial_key(const ASN1_INTEGER *serial, char out[SVC_SERIAL_MAX + 1]);
/* Hex as a user or client writes it (any case, leading zeros, 1-40
 * digits) to its key; GMPKI_ERR_ARG when it is not that. */
int svc_serial_normalize(const char *hex, char out[SVC_SERIAL_MAX + 1]);

#endif
