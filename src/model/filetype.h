/* filetype.h -- which documents a buyer may attach to a notice, and how their
 * names go back out in a download. No I/O: bytes in, a verdict out.
 *
 * Accepted: PDF, DOCX, XLSX, ODT, CSV and ZIP, 1 byte to 25 MB, and the
 * content must be what the extension says (a lying extension is refused, so a
 * web page cannot pass as a .csv nor a program as a .pdf):
 *   .pdf   starts with "%PDF-" (at byte 0: no polyglot with a prefix)
 *   .zip   a ZIP archive: starts with "PK\3\4" (or is an empty archive,
 *          "PK\5\6") and its central directory, found from the end record as
 *          unzip finds it, lists entries that lie inside the file
 *   .docx  such a ZIP with "[Content_Types].xml" and an entry under "word/"
 *          (not only "word/document.xml": Word Online writes document2.xml)
 *   .xlsx  the same with "xl/"
 *   .odt   such a ZIP whose first entry (at byte 0) is "mimetype", stored,
 *          holding exactly "application/vnd.oasis.opendocument.text" (ODF
 *          1.2 part 3, 3.3; an .ott template holds a longer string)
 *   .csv   valid UTF-8 (a BOM allowed), no control character but tab, CR and
 *          LF (not DEL nor C1 either), and not starting with '<' after white
 *          space: every HTML and XML pattern of the WHATWG MIME sniffing
 *          algorithm starts so
 * File names: a plain name, as filetype_check says below; the extension is
 * what follows the last '.', compared without case.
 *
 * Downloads send the name back in Content-Disposition (RFC 6266): an ASCII
 * fallback in filename= and the UTF-8 name in filename*= (RFC 8187). */
#ifndef FILETYPE_H
#define FILETYPE_H

#include <stddef.h>

#define FILETYPE_MAX (25u * 1024 * 1024) /* bytes in one file */
#define FILETYPE_NAME_MAX 200            /* bytes in a file name */

/* Checks a file a buyer uploads. Returns its extension in lower case
 * ("pdf", "docx", "xlsx", "odt", "csv" or "zip"; static) and sets *mime (if
 * not NULL) to its canonical type:
 *   application/pdf
 *   application/vnd.openxmlformats-officedocument.wordprocessingml.document
 *   application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
 *   application/vnd.oasis.opendocument.text
 *   text/csv
 *   application/zip
 * Or NULL, *mime NULL, and *why (if not NULL) a static message for people,
 * the first rule broken in this order: the name ("Choose a file to upload"
 * for NULL or "", "The file name must not contain a folder" for '/' or '\',
 * then "..", a control or bidirectional-override character, a leading '.',
 * over FILETYPE_NAME_MAX bytes, not UTF-8), the extension ("Choose a PDF,
 * DOCX, XLSX, ODT, CSV or ZIP file"), the size ("The file is empty", "The
 * file must be 25 MB or smaller"), the content ("A .docx file must be a Word
 * document; this one is not", ...). data may be NULL when size is 0. */
const char *filetype_check(const char *filename, const unsigned char *data, size_t size, const char **mime,
                           const char **why);

/* An ASCII-only copy of name for a quoted filename= parameter, into
 * out[cap] (NUL-terminated, cut at cap - 1 bytes; nothing when cap is 0):
 * each non-ASCII character (or invalid byte), control character, '"', '\'
 * and '%' becomes '_' ('%' because some clients decode %XX in filename=,
 * RFC 6266 appendix D). NULL is "". */
void filetype_safe_name(const char *name, char *out, size_t cap);

/* Writes the whole Content-Disposition value for a download of name:
 *   attachment; filename="<filetype_safe_name>"; filename*=UTF-8''<%-encoded>
 * (just "attachment" when name is NULL or "", no filename* when name is not
 * valid UTF-8) into out[cap], NUL-terminated. Returns its length, or 0 with
 * out "" (when cap > 0) when it does not fit in cap - 1 bytes. For a name
 * filetype_check accepted: at most 200 bytes of ASCII name, 600 of encoded
 * name and 42 of the rest, so a cap of 1024 is always enough. */
size_t filetype_disposition(const char *name, char *out, size_t cap);

#endif
