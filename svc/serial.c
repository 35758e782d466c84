/*
 * serial.c - certificate serials as the certificates table keys them
 * (serial.h).
 */
#include "serial.h"

#include <string.h>

#include "gmpki/gmpki.h"

int
svc_serial_key(const ASN1_INTEGER *serial, char out[SVC_SERIAL_MAX + 1])
{
	char hex[80], *p;
	int rc;

	out[0] = '\0';
	if (serial == NULL || ASN1_STRING_type(serial) != V_ASN1_INTEGER)
		return GMPKI_ERR_ARG;
	if ((rc = gmpki_serial_hex(serial, hex, sizeof(hex))) != 0)
		return GMPKI_ERR_ARG;
	for (p = hex; *p == '0'; p++)
		;
	if (*p == '\0' || strlen(p) > SVC_SERIAL_MAX)
		return GMPKI_ERR_ARG;
	memcpy(out, p, strlen(p) + 1);
	return 0;
}

int
svc_serial_normalize(const char *hex, char out[SVC_SERIAL_MAX + 1])
{
	size_t n, i;

	out[0] = '\0';
	if (hex == NULL || (n = strlen(hex)) == 0 || n > SVC_SERIAL_MAX)
		return GMPKI_ERR_ARG;
	for (i = 0; i < n; i++)
		if (!((hex[i] >= '0' && hex[i] <= '9') ||
		    (hex[i] >= 'a' && hex[i] <= 'f') ||
		    (hex[i] >= 'A' && hex[i] <= 'F')))
			return GMPKI_ERR_ARG;
	while (*hex == '0')
		hex++;
	if (*hex == '\0')
		return GMPKI_ERR_ARG;	/* zero is never a serial of ours */
	for (i = 0; hex[i] != '\0'; i++)
		out[i] = (hex[i] >= 'a' && hex[i] <= 'f') ?
		    (char)(hex[i] - 'a' + 'A') : hex[i];
	out[i] = '\0';
	return 0;
}
