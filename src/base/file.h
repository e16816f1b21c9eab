/* file: making a file's contents and a rename survive a crash (fsync of the file, of its
 * directory). Used wherever a file is written under a temporary name and renamed into place:
 * db/backup.c (backups, restores), io/scan.c (stored scans). */
#ifndef OKO_FILE_H
#define OKO_FILE_H

/* fsync()s the file at path: 0, or ERR_IO with errno set. */
int file_sync(const char *path);
/* fsync()s the directory dir, so that the names created or renamed in it survive a crash:
 * 0, or ERR_IO with errno set. */
int file_sync_dir(const char *dir);
/* file_sync_dir() of the directory holding path. */
int file_sync_dir_of(const char *path);

#endif
