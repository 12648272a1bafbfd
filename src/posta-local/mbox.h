/* mbox: append the message to an mbox file.
 *
 * The file is opened for appending (created 0600 when missing), locked
 * with fcntl (30 seconds at most), and gets the From_ line, Return-Path,
 * Delivered-To, the message with ">From " quoting, and an empty line;
 * then fsync. On any failure the file is cut back to its old size and
 * mbox_deliver returns -1 with result 111 (result.h) in the context. */
#ifndef POSTA_MBOX_H
#define POSTA_MBOX_H

#include "posta-local/local.h"

#define MBOX_LOCK_SECONDS 30

/* 0, or -1 (result 111). */
int mbox_deliver(local_ctx *c, char const *path);

#endif
