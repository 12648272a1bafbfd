/* qrm_run: posta-qrm's options and its choice of messages. With ids, the
 * requests of qmarkrun (sk/qmarkrun.h); with -s SENDER, -r RECIPIENT or
 * "all", the ids posta-qread's listing gives (qrm_select.h), then the same
 * requests, or with -n only the list of what would be removed. Returns the
 * exit code; never exits. */
#ifndef POSTA_QRM_RUN_H
#define POSTA_QRM_RUN_H

#define QRM_USAGE "posta-qrm [ -t seconds ] id... | posta-qrm [ -t seconds ] [ -n ] { all | -s sender | -r recipient ... }"

int qrm_main(int argc, char const *const *argv);

#endif
