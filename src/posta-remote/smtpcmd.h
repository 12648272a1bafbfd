/* smtpcmd: the MAIL and RCPT command lines, with the address quoted as
 * RFC 5321 4.1.2 requires.
 *
 * Addresses are stored unquoted ("john smith@example.net"); a local part
 * that is not a dot-atom is sent as a quoted string with '"' and '\'
 * escaped. The domain goes as it is, so it must be one: LDH labels (UTF-8
 * ones too) or an address literal (common/addr.h, addr_domain_ok); an
 * address without '@' has none. An empty sender is "<>". An address
 * holding CR, LF or another control character, a domain part that is not
 * a domain (a space or '>' in it would add ESMTP parameters: "a@b>
 * NOTIFY=NEVER"), or longer than SMTPCMD_ADDR_MAX is refused: it would
 * smuggle a command or a parameter. Pure. */
#ifndef POSTA_SMTPCMD_H
#define POSTA_SMTPCMD_H

#include <stddef.h>
#include <stdint.h>

#define SMTPCMD_ADDR_MAX 900
#define SMTPCMD_LINE_MAX (2 * SMTPCMD_ADDR_MAX + 64)

/* 0 when addr can be sent, else why not, in words ("its domain part..."). */
char const *smtpcmd_problem(char const *addr);
/* 1 when addr can be sent at all. */
int smtpcmd_valid(char const *addr);
/* "<quoted addr>" into out. The length, or 0 when addr is not valid. */
size_t smtpcmd_path(char *out, size_t size, char const *addr);
/* "MAIL FROM:<sender>[ SIZE=n][ BODY=8BITMIME]\r\n"; size 0: no SIZE. */
size_t smtpcmd_mail(char *out, size_t size, char const *sender, uint64_t msgsize, int eightbit);
/* "RCPT TO:<rcpt>\r\n" */
size_t smtpcmd_rcpt(char *out, size_t size, char const *rcpt);

#endif
