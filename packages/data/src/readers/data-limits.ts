/**
 * The largest record a dataset reader accepts: 8 MiB of text (a line of JSON Lines, a CSV record, one element of a
 * JSON array). Real instruction records are a few KiB; the bound is checked while reading, so a file without line
 * breaks or a runaway quoted field fails with DATA_INVALID instead of being buffered whole.
 */
export const MAX_RECORD_CHARS = 8 * 1024 * 1024;
