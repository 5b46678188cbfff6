/* blobs.h -- the bytes of documents uploaded for notices, kept as files
 * named by their SHA-256 in a folder beside the store (serve --files), never
 * in the rows that searches read: DIR/ab/abcdef... (the first two hex digits
 * a folder, so none grows past a few thousand files). Content-addressed, so
 * the same file uploaded twice is stored once, a file is never changed once
 * written, and a file written for a change whose transaction then failed is
 * only an unreferenced file (harmless; nothing lists it). Several serve
 * processes on one PostgreSQL store share the folder (docs/deploy.md). */
#ifndef STORE_BLOBS_H
#define STORE_BLOBS_H

#include <stddef.h>

#include "base/err.h"

#define BLOB_HEX 64

/* Stores data[0..size) under its SHA-256 (sha gets the 64 hex digits):
 * written to a temporary file, flushed to disk and renamed into place, so a
 * reader never sees part of a file. Folders are made as needed. An existing
 * file of that name is kept. 0, or ERR_IO with err. */
int blob_put(const char *dir, const void *data, size_t size, char sha[BLOB_HEX + 1], Err *err);

/* The path of the file of sha (64 lower-case hex digits, else -1) into
 * out[cap]; 0, or -1 when sha is not a hash or the path does not fit. */
int blob_path(const char *dir, const char *sha, char *out, size_t cap);

#endif
