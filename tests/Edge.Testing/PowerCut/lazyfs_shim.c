/*
 * lazyfs_shim.c: a power-cut test filesystem as an LD_PRELOAD shim (the idea of Jepsen's LazyFS).
 *
 * Built two ways from this one file (see PowerCut/README.md):
 *   gcc -shared -fPIC -O2 -o liblazyfs.so lazyfs_shim.c -ldl -lpthread   the shim, preloaded into the program under test
 *   gcc -O2 -DLAZYFS_CUT -o lazyfs-cut lazyfs_shim.c                    the cut: discards what was never fsynced
 *
 * The shim writes through to the real file (so every read, mmap and fstat sees the data, as the page cache would), but
 * before each change to a regular file under EDGE_LAZY_DIR it appends an undo record to a journal for that file's inode
 * in EDGE_LAZY_JOURNAL: "before this change the file was S bytes long and bytes [off, off+n) held these bytes".
 * fsync or fdatasync of any descriptor of the file empties its journal: what it held is durable now. Close does not.
 * The journal lives in the kernel's page cache, so it survives a SIGKILL of the program; after the kill, lazyfs-cut
 * applies every journal backwards, which leaves each file exactly as it was at its last fsync: a power cut.
 *
 * Journal record (host byte order): u64 magic, u64 offset, u64 length, u64 old_size, then length bytes. A trailing
 * record cut short was being written when the program died: its change never reached the file, so it is ignored.
 *
 * Metadata is durable at once: creating, renaming and deleting files need no directory fsync here (a limit, see README).
 * Files opened with O_SYNC or O_DSYNC are durable at every write and are not journaled.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#define LAZYFS_MAGIC 0x4c617a7946535531ULL /* "LazyFSU1" */
#define JOURNAL_NAME_MAX (PATH_MAX + 320)

struct undo_header {
    uint64_t magic;
    uint64_t offset;
    uint64_t length;
    uint64_t old_size;
};

__attribute__((unused)) static int journal_name(char *out, size_t size, const char *journal_dir, dev_t dev, ino_t ino)
{
    return snprintf(out, size, "%s/%llu-%llu.undo", journal_dir, (unsigned long long)dev, (unsigned long long)ino);
}

#ifndef LAZYFS_CUT

#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <sys/sendfile.h>

#define MAX_FDS 65536
#define MAX_JOURNALS 256
#define COPY_CHUNK (1 << 20)

enum { FD_UNKNOWN = 0, FD_TRACKED = 1, FD_IGNORED = 2 };

struct fd_state {
    dev_t dev;
    ino_t ino;
    int state;
    int append;
};

struct journal {
    dev_t dev;
    ino_t ino;
    int fd;
};

static char lazy_dir[PATH_MAX];
static size_t lazy_len;
static char journal_dir[PATH_MAX];
static int enabled;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct fd_state fds[MAX_FDS];
static struct journal journals[MAX_JOURNALS];

static ssize_t (*real_write)(int, const void *, size_t);
static ssize_t (*real_pwrite)(int, const void *, size_t, off_t);
static ssize_t (*real_pwrite64)(int, const void *, size_t, off_t);
static ssize_t (*real_writev)(int, const struct iovec *, int);
static ssize_t (*real_pwritev)(int, const struct iovec *, int, off_t);
static ssize_t (*real_pwritev64)(int, const struct iovec *, int, off_t);
static ssize_t (*real_pwritev2)(int, const struct iovec *, int, off_t, int);
static ssize_t (*real_pread)(int, void *, size_t, off_t);
static int (*real_ftruncate)(int, off_t);
static int (*real_ftruncate64)(int, off_t);
static int (*real_fsync)(int);
static int (*real_fdatasync)(int);
static int (*real_close)(int);
static int (*real_fallocate)(int, int, off_t, off_t);
static int (*real_posix_fallocate)(int, off_t, off_t);
static ssize_t (*real_copy_file_range)(int, off_t *, int, off_t *, size_t, unsigned int);
static ssize_t (*real_sendfile)(int, int, off_t *, size_t);
static int (*real_unlink)(const char *);
static int (*real_unlinkat)(int, const char *, int);
static int (*real_rename)(const char *, const char *);
static int (*real_renameat)(int, const char *, int, const char *);
static int (*real_renameat2)(int, const char *, int, const char *, unsigned int);
static void (*real_sync)(void);
static int (*real_syncfs)(int);

#define RESOLVE(name) real_##name = dlsym(RTLD_NEXT, #name)

__attribute__((constructor)) static void lazyfs_init(void)
{
    RESOLVE(write);
    RESOLVE(pwrite);
    RESOLVE(pwrite64);
    RESOLVE(writev);
    RESOLVE(pwritev);
    RESOLVE(pwritev64);
    RESOLVE(pwritev2);
    RESOLVE(pread);
    RESOLVE(ftruncate);
    RESOLVE(ftruncate64);
    RESOLVE(fsync);
    RESOLVE(fdatasync);
    RESOLVE(close);
    RESOLVE(fallocate);
    RESOLVE(posix_fallocate);
    RESOLVE(copy_file_range);
    RESOLVE(sendfile);
    RESOLVE(unlink);
    RESOLVE(unlinkat);
    RESOLVE(rename);
    RESOLVE(renameat);
    RESOLVE(renameat2);
    RESOLVE(sync);
    RESOLVE(syncfs);

    const char *dir = getenv("EDGE_LAZY_DIR");
    const char *journal = getenv("EDGE_LAZY_JOURNAL");
    if (dir == NULL || journal == NULL || realpath(dir, lazy_dir) == NULL || realpath(journal, journal_dir) == NULL) {
        return;
    }

    lazy_len = strlen(lazy_dir);
    for (int i = 0; i < MAX_JOURNALS; i++) {
        journals[i].fd = -1;
    }

    enabled = 1;
}

static int under_lazy_dir(const char *path)
{
    return strncmp(path, lazy_dir, lazy_len) == 0 && path[lazy_len] == '/';
}

/* Whether writes to fd must be journaled; called with the lock held. */
static int tracked(int fd, struct stat *st)
{
    if (!enabled || fd < 0 || fd >= MAX_FDS || fstat(fd, st) != 0) {
        return 0;
    }

    struct fd_state *s = &fds[fd];
    if (!S_ISREG(st->st_mode)) {
        s->state = FD_IGNORED;
        s->dev = 0;
        s->ino = 0;
        return 0;
    }

    if (s->state != FD_UNKNOWN && s->dev == st->st_dev && s->ino == st->st_ino) {
        return s->state == FD_TRACKED;
    }

    char link[64], path[PATH_MAX];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    int flags = fcntl(fd, F_GETFL);
    s->dev = st->st_dev;
    s->ino = st->st_ino;
    s->append = flags >= 0 && (flags & O_APPEND) != 0;
    if (n <= 0 || flags < 0 || (flags & (O_SYNC | O_DSYNC)) != 0) {
        s->state = FD_IGNORED;
        return 0;
    }

    path[n] = '\0';
    s->state = under_lazy_dir(path) ? FD_TRACKED : FD_IGNORED;
    return s->state == FD_TRACKED;
}

static struct journal *journal_for(dev_t dev, ino_t ino, int create)
{
    struct journal *free_slot = NULL;
    for (int i = 0; i < MAX_JOURNALS; i++) {
        if (journals[i].fd >= 0 && journals[i].dev == dev && journals[i].ino == ino) {
            return &journals[i];
        }

        if (journals[i].fd < 0 && free_slot == NULL) {
            free_slot = &journals[i];
        }
    }

    if (!create) {
        return NULL;
    }

    if (free_slot == NULL) {
        /* More files in flight than slots: close the first and reopen it later (appending keeps its records). */
        free_slot = &journals[0];
        real_close(free_slot->fd);
        free_slot->fd = -1;
    }

    char name[JOURNAL_NAME_MAX];
    journal_name(name, sizeof name, journal_dir, dev, ino);
    int fd = open(name, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) {
        fprintf(stderr, "lazyfs: cannot open journal %s: %s\n", name, strerror(errno));
        abort();
    }

    free_slot->dev = dev;
    free_slot->ino = ino;
    free_slot->fd = fd;
    return free_slot;
}

static void journal_append(int jfd, const struct undo_header *h, const void *data)
{
    struct iovec iov[2] = { { (void *)h, sizeof *h }, { (void *)data, (size_t)h->length } };
    size_t total = sizeof *h + h->length;
    ssize_t done = real_writev(jfd, iov, h->length > 0 ? 2 : 1);
    if (done != (ssize_t)total) {
        /* A journal that misses a change would make the cut keep a write it should discard: stop loudly instead. */
        fprintf(stderr, "lazyfs: journal write failed (%zd of %zu): %s\n", done, total, strerror(errno));
        abort();
    }
}

/* Records how to undo a change of [offset, offset+length) in the file (fd, st); called with the lock held. */
static void remember(int fd, const struct stat *st, off_t offset, size_t length)
{
    struct journal *j = journal_for(st->st_dev, st->st_ino, 1);
    struct undo_header h = { LAZYFS_MAGIC, (uint64_t)offset, 0, (uint64_t)st->st_size };
    if (offset >= st->st_size || length == 0) {
        journal_append(j->fd, &h, NULL);
        return;
    }

    size_t old = (size_t)(st->st_size - offset) < length ? (size_t)(st->st_size - offset) : length;
    char *buffer = malloc(old);
    if (buffer == NULL) {
        abort();
    }

    /* A write-only descriptor cannot be read (EBADF), nor can an O_DIRECT one into this unaligned buffer (EINVAL): the
       old bytes are then read through a read-only descriptor of the same open file, /proc/self/fd/N. */
    int source = fd;
    size_t got = 0;
    while (got < old) {
        ssize_t n = real_pread(source, buffer + got, old - got, offset + (off_t)got);
        if (n < 0 && (errno == EBADF || errno == EINVAL) && source == fd) {
            char path[64];
            snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
            source = open(path, O_RDONLY | O_CLOEXEC);
            if (source >= 0) {
                continue;
            }
        }

        if (n <= 0) {
            fprintf(stderr, "lazyfs: cannot read the bytes a write replaces: %s\n", strerror(errno));
            abort();
        }

        got += (size_t)n;
    }

    if (source != fd) {
        real_close(source);
    }

    h.length = old;
    journal_append(j->fd, &h, buffer);
    free(buffer);
}

static off_t current_offset(int fd, const struct stat *st)
{
    return fds[fd].append ? st->st_size : lseek(fd, 0, SEEK_CUR);
}

static size_t iov_total(const struct iovec *iov, int count)
{
    size_t total = 0;
    for (int i = 0; i < count; i++) {
        total += iov[i].iov_len;
    }

    return total;
}

/* The file is durable now: its journal is emptied; called with the lock held. */
static void made_durable(const struct stat *st)
{
    struct journal *j = journal_for(st->st_dev, st->st_ino, 0);
    if (j != NULL) {
        real_ftruncate(j->fd, 0);
        return;
    }

    char name[JOURNAL_NAME_MAX];
    journal_name(name, sizeof name, journal_dir, st->st_dev, st->st_ino);
    truncate(name, 0);
}

/* The file at path is about to disappear: its journal goes with it (a later file may get the same inode). */
static void forget_path(int dirfd, const char *path)
{
    struct stat st;
    if (!enabled || fstatat(dirfd, path, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode)) {
        return;
    }

    pthread_mutex_lock(&lock);
    struct journal *j = journal_for(st.st_dev, st.st_ino, 0);
    if (j != NULL) {
        real_close(j->fd);
        j->fd = -1;
    }

    char name[JOURNAL_NAME_MAX];
    journal_name(name, sizeof name, journal_dir, st.st_dev, st.st_ino);
    real_unlink(name);
    pthread_mutex_unlock(&lock);
}

ssize_t write(int fd, const void *buf, size_t count)
{
    struct stat st;
    pthread_mutex_lock(&lock);
    if (!tracked(fd, &st)) {
        pthread_mutex_unlock(&lock);
        ssize_t r = real_write(fd, buf, count);
        return r;
    }

    remember(fd, &st, current_offset(fd, &st), count);
    ssize_t r = real_write(fd, buf, count);
    pthread_mutex_unlock(&lock);
    return r;
}

static ssize_t pwrite_common(ssize_t (*real)(int, const void *, size_t, off_t), int fd, const void *buf, size_t count, off_t offset)
{
    struct stat st;
    pthread_mutex_lock(&lock);
    if (!tracked(fd, &st)) {
        pthread_mutex_unlock(&lock);
        ssize_t r = real(fd, buf, count, offset);
        return r;
    }

    remember(fd, &st, offset, count);
    ssize_t r = real(fd, buf, count, offset);
    pthread_mutex_unlock(&lock);
    return r;
}

ssize_t pwrite(int fd, const void *buf, size_t count, off_t offset)
{
    return pwrite_common(real_pwrite, fd, buf, count, offset);
}

ssize_t pwrite64(int fd, const void *buf, size_t count, off_t offset)
{
    return pwrite_common(real_pwrite64, fd, buf, count, offset);
}

ssize_t writev(int fd, const struct iovec *iov, int iovcnt)
{
    struct stat st;
    pthread_mutex_lock(&lock);
    if (!tracked(fd, &st)) {
        pthread_mutex_unlock(&lock);
        ssize_t r = real_writev(fd, iov, iovcnt);
        return r;
    }

    remember(fd, &st, current_offset(fd, &st), iov_total(iov, iovcnt));
    ssize_t r = real_writev(fd, iov, iovcnt);
    pthread_mutex_unlock(&lock);
    return r;
}

static ssize_t pwritev_common(ssize_t (*real)(int, const struct iovec *, int, off_t), int fd, const struct iovec *iov, int iovcnt, off_t offset)
{
    struct stat st;
    pthread_mutex_lock(&lock);
    if (!tracked(fd, &st)) {
        pthread_mutex_unlock(&lock);
        ssize_t r = real(fd, iov, iovcnt, offset);
        return r;
    }

    remember(fd, &st, offset, iov_total(iov, iovcnt));
    ssize_t r = real(fd, iov, iovcnt, offset);
    pthread_mutex_unlock(&lock);
    return r;
}

ssize_t pwritev(int fd, const struct iovec *iov, int iovcnt, off_t offset)
{
    return pwritev_common(real_pwritev, fd, iov, iovcnt, offset);
}

ssize_t pwritev64(int fd, const struct iovec *iov, int iovcnt, off_t offset)
{
    return pwritev_common(real_pwritev64, fd, iov, iovcnt, offset);
}

ssize_t pwritev2(int fd, const struct iovec *iov, int iovcnt, off_t offset, int flags)
{
    struct stat st;
    pthread_mutex_lock(&lock);
    if (!tracked(fd, &st)) {
        pthread_mutex_unlock(&lock);
        ssize_t r = real_pwritev2(fd, iov, iovcnt, offset, flags);
        return r;
    }

    remember(fd, &st, offset == -1 ? current_offset(fd, &st) : offset, iov_total(iov, iovcnt));
    ssize_t r = real_pwritev2(fd, iov, iovcnt, offset, flags);
    pthread_mutex_unlock(&lock);
    return r;
}

static int ftruncate_common(int (*real)(int, off_t), int fd, off_t length)
{
    struct stat st;
    pthread_mutex_lock(&lock);
    if (!tracked(fd, &st)) {
        pthread_mutex_unlock(&lock);
        int r = real(fd, length);
        return r;
    }

    /* Shrinking keeps the cut-off tail in the journal; growing only records the old size. */
    remember(fd, &st, length < st.st_size ? length : st.st_size, length < st.st_size ? (size_t)(st.st_size - length) : 0);
    int r = real(fd, length);
    pthread_mutex_unlock(&lock);
    return r;
}

int ftruncate(int fd, off_t length)
{
    return ftruncate_common(real_ftruncate, fd, length);
}

int ftruncate64(int fd, off_t length)
{
    return ftruncate_common(real_ftruncate64, fd, length);
}

int fallocate(int fd, int mode, off_t offset, off_t len)
{
    struct stat st;
    pthread_mutex_lock(&lock);
    if (!tracked(fd, &st)) {
        pthread_mutex_unlock(&lock);
        int r = real_fallocate(fd, mode, offset, len);
        return r;
    }

    remember(fd, &st, offset, (size_t)len);
    int r = real_fallocate(fd, mode, offset, len);
    pthread_mutex_unlock(&lock);
    return r;
}

int posix_fallocate(int fd, off_t offset, off_t len)
{
    struct stat st;
    pthread_mutex_lock(&lock);
    if (!tracked(fd, &st)) {
        pthread_mutex_unlock(&lock);
        int r = real_posix_fallocate(fd, offset, len);
        return r;
    }

    remember(fd, &st, offset, (size_t)len);
    int r = real_posix_fallocate(fd, offset, len);
    pthread_mutex_unlock(&lock);
    return r;
}

ssize_t copy_file_range(int fd_in, off_t *off_in, int fd_out, off_t *off_out, size_t len, unsigned int flags)
{
    struct stat st;
    pthread_mutex_lock(&lock);
    if (!tracked(fd_out, &st)) {
        pthread_mutex_unlock(&lock);
        ssize_t r = real_copy_file_range(fd_in, off_in, fd_out, off_out, len, flags);
        return r;
    }

    remember(fd_out, &st, off_out != NULL ? *off_out : current_offset(fd_out, &st), len);
    ssize_t r = real_copy_file_range(fd_in, off_in, fd_out, off_out, len, flags);
    pthread_mutex_unlock(&lock);
    return r;
}

ssize_t sendfile(int out_fd, int in_fd, off_t *offset, size_t count)
{
    struct stat st;
    pthread_mutex_lock(&lock);
    if (!tracked(out_fd, &st)) {
        pthread_mutex_unlock(&lock);
        ssize_t r = real_sendfile(out_fd, in_fd, offset, count);
        return r;
    }

    remember(out_fd, &st, current_offset(out_fd, &st), count);
    ssize_t r = real_sendfile(out_fd, in_fd, offset, count);
    pthread_mutex_unlock(&lock);
    return r;
}

static int fsync_common(int (*real)(int), int fd)
{
    struct stat st;
    pthread_mutex_lock(&lock);
    if (!tracked(fd, &st)) {
        pthread_mutex_unlock(&lock);
        return real(fd);
    }

    /* Under the lock: a write between the fsync and emptying the journal would otherwise lose its undo record. */
    int r = real(fd);
    if (r == 0) {
        made_durable(&st);
    }

    pthread_mutex_unlock(&lock);
    return r;
}

int fsync(int fd)
{
    return fsync_common(real_fsync, fd);
}

int fdatasync(int fd)
{
    return fsync_common(real_fdatasync, fd);
}

/* sync and syncfs make every file durable: every journal is emptied. */
static void all_durable(void)
{
    pthread_mutex_lock(&lock);
    DIR *dir = opendir(journal_dir);
    if (dir != NULL) {
        struct dirent *e;
        char name[JOURNAL_NAME_MAX];
        while ((e = readdir(dir)) != NULL) {
            if (strstr(e->d_name, ".undo") != NULL) {
                snprintf(name, sizeof name, "%s/%s", journal_dir, e->d_name);
                truncate(name, 0);
            }
        }

        closedir(dir);
    }

    pthread_mutex_unlock(&lock);
}

void sync(void)
{
    real_sync();
    if (enabled) {
        all_durable();
    }
}

int syncfs(int fd)
{
    int r = real_syncfs(fd);
    if (r == 0 && enabled) {
        all_durable();
    }

    return r;
}

int close(int fd)
{
    /* Closing makes nothing durable; it only forgets what the descriptor was. */
    if (fd >= 0 && fd < MAX_FDS) {
        pthread_mutex_lock(&lock);
        fds[fd].state = FD_UNKNOWN;
        pthread_mutex_unlock(&lock);
    }

    return real_close(fd);
}

int unlink(const char *path)
{
    forget_path(AT_FDCWD, path);
    return real_unlink(path);
}

int unlinkat(int dirfd, const char *path, int flags)
{
    if ((flags & AT_REMOVEDIR) == 0) {
        forget_path(dirfd, path);
    }

    return real_unlinkat(dirfd, path, flags);
}

int rename(const char *from, const char *to)
{
    forget_path(AT_FDCWD, to);
    return real_rename(from, to);
}

int renameat(int fromfd, const char *from, int tofd, const char *to)
{
    forget_path(tofd, to);
    return real_renameat(fromfd, from, tofd, to);
}

int renameat2(int fromfd, const char *from, int tofd, const char *to, unsigned int flags)
{
    forget_path(tofd, to);
    return real_renameat2(fromfd, from, tofd, to, flags);
}

#else /* LAZYFS_CUT: lazyfs-cut LAZY_DIR JOURNAL_DIR */

#include <ftw.h>

struct known_file {
    dev_t dev;
    ino_t ino;
    char path[PATH_MAX];
};

static struct known_file *files;
static size_t file_count, file_capacity;

static int remember_file(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)ftw;
    if (type != FTW_F || !S_ISREG(st->st_mode)) {
        return 0;
    }

    if (file_count == file_capacity) {
        file_capacity = file_capacity == 0 ? 64 : file_capacity * 2;
        files = realloc(files, file_capacity * sizeof *files);
        if (files == NULL) {
            abort();
        }
    }

    files[file_count].dev = st->st_dev;
    files[file_count].ino = st->st_ino;
    snprintf(files[file_count].path, PATH_MAX, "%s", path);
    file_count++;
    return 0;
}

static const char *path_of(dev_t dev, ino_t ino)
{
    for (size_t i = 0; i < file_count; i++) {
        if (files[i].dev == dev && files[i].ino == ino) {
            return files[i].path;
        }
    }

    return NULL;
}

struct record {
    struct undo_header h;
    long data_at;
};

/* Applies one journal backwards to its file; returns the bytes of changes discarded, or -1 on an error. */
static long long undo(const char *journal, const char *target, long long *records_out)
{
    FILE *in = fopen(journal, "rb");
    if (in == NULL) {
        return -1;
    }

    struct record *records = NULL;
    size_t count = 0, capacity = 0;
    struct undo_header h;
    fseek(in, 0, SEEK_END);
    long end = ftell(in);
    fseek(in, 0, SEEK_SET);
    while (fread(&h, sizeof h, 1, in) == 1) {
        long at = ftell(in);
        if (h.magic != LAZYFS_MAGIC) {
            fprintf(stderr, "lazyfs-cut: %s: bad record at %ld\n", journal, at - (long)sizeof h);
            fclose(in);
            free(records);
            return -1;
        }

        if ((uint64_t)(end - at) < h.length) {
            break; /* cut short while the program died: its change never reached the file */
        }

        if (count == capacity) {
            capacity = capacity == 0 ? 256 : capacity * 2;
            records = realloc(records, capacity * sizeof *records);
            if (records == NULL) {
                abort();
            }
        }

        records[count].h = h;
        records[count].data_at = at;
        count++;
        fseek(in, (long)h.length, SEEK_CUR);
    }

    int fd = open(target, O_WRONLY);
    if (fd < 0) {
        fclose(in);
        free(records);
        return -1;
    }

    struct stat st;
    fstat(fd, &st);
    long long discarded = 0;
    char *buffer = NULL;
    for (size_t i = count; i-- > 0;) {
        struct undo_header *r = &records[i].h;
        if (r->length > 0) {
            buffer = realloc(buffer, r->length);
            fseek(in, records[i].data_at, SEEK_SET);
            if (buffer == NULL || fread(buffer, r->length, 1, in) != 1 || pwrite(fd, buffer, r->length, (off_t)r->offset) != (ssize_t)r->length) {
                fprintf(stderr, "lazyfs-cut: %s: cannot restore %llu bytes\n", target, (unsigned long long)r->length);
                abort();
            }
        }

        if (ftruncate(fd, (off_t)r->old_size) != 0) {
            abort();
        }
    }

    if (count > 0) {
        struct stat after;
        fstat(fd, &after);
        discarded = st.st_size > after.st_size ? st.st_size - after.st_size : 0;
        for (size_t i = 0; i < count; i++) {
            discarded += (long long)records[i].h.length;
        }
    }

    fsync(fd);
    close(fd);
    fclose(in);
    free(buffer);
    free(records);
    *records_out = (long long)count;
    return discarded;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: lazyfs-cut LAZY_DIR JOURNAL_DIR\n");
        return 2;
    }

    if (nftw(argv[1], remember_file, 32, FTW_PHYS) != 0) {
        fprintf(stderr, "lazyfs-cut: cannot walk %s: %s\n", argv[1], strerror(errno));
        return 1;
    }

    DIR *dir = opendir(argv[2]);
    if (dir == NULL) {
        fprintf(stderr, "lazyfs-cut: cannot open %s: %s\n", argv[2], strerror(errno));
        return 1;
    }

    long long total_files = 0, total_records = 0, total_bytes = 0;
    struct dirent *e;
    char journal[PATH_MAX];
    while ((e = readdir(dir)) != NULL) {
        unsigned long long dev, ino;
        if (sscanf(e->d_name, "%llu-%llu.undo", &dev, &ino) != 2) {
            continue;
        }

        snprintf(journal, sizeof journal, "%s/%s", argv[2], e->d_name);
        const char *target = path_of((dev_t)dev, (ino_t)ino);
        if (target != NULL) {
            long long records = 0;
            long long discarded = undo(journal, target, &records);
            if (discarded < 0) {
                fprintf(stderr, "lazyfs-cut: cannot undo %s into %s\n", journal, target);
                return 1;
            }

            if (records > 0) {
                printf("file %s records %lld bytes %lld\n", target, records, discarded);
                total_files++;
                total_records += records;
                total_bytes += discarded;
            }
        }

        unlink(journal);
    }

    closedir(dir);
    printf("cut files %lld records %lld bytes %lld\n", total_files, total_records, total_bytes);
    return 0;
}

#endif
