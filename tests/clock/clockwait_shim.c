/*
 * For `make test-clock-ahead`, loaded before Debian's libfaketime 0.9.10.
 *
 * libfaketime moves CLOCK_REALTIME and CLOCK_MONOTONIC a year ahead, but it does not intercept
 * sem_clockwait() or pthread_cond_clockwait() (glibc 2.30+). Python 3.11 times every
 * `Lock.acquire(timeout=…)`, hence `Event.wait`, `Queue.get` and `Thread.join` with a timeout, with
 * sem_clockwait(CLOCK_MONOTONIC) and a deadline read from the faked clock: the kernel then waits a
 * year (libfaketime issues #390 and #469). This shim moves such deadlines back onto the real clock.
 *
 * It also sends select() and poll() straight to the C library. libfaketime wraps them (to scale
 * relative timeouts, which an offset never changes) and, while inside them, answers every clock
 * call with the real time. PostgreSQL 15's postmaster sleeps in select() and forks its background
 * workers (pg_cron's jobs among them) from signal handlers that interrupt that sleep: they would be
 * born, and stay, a year behind everyone else.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* abstime on the real clock: abstime - (faked now - real now) */
static struct timespec unfake(clockid_t clock, const struct timespec *abstime) {
    struct timespec faked, real, out;
    clock_gettime(clock, &faked);                 /* through libfaketime */
    syscall(SYS_clock_gettime, clock, &real);      /* straight to the kernel */
    long long shift = (faked.tv_sec - real.tv_sec) * 1000000000LL + (faked.tv_nsec - real.tv_nsec);
    long long at = abstime->tv_sec * 1000000000LL + abstime->tv_nsec - shift;
    if (at < 0) at = 0;
    out.tv_sec = at / 1000000000LL;
    out.tv_nsec = at % 1000000000LL;
    return out;
}

int sem_clockwait(sem_t *sem, clockid_t clock, const struct timespec *abstime) {
    static int (*real_fn)(sem_t *, clockid_t, const struct timespec *);
    if (!real_fn) real_fn = dlsym(RTLD_NEXT, "sem_clockwait");
    struct timespec at = unfake(clock, abstime);
    return real_fn(sem, clock, &at);
}

int pthread_cond_clockwait(pthread_cond_t *cond, pthread_mutex_t *mutex, clockid_t clock,
                           const struct timespec *abstime) {
    static int (*real_fn)(pthread_cond_t *, pthread_mutex_t *, clockid_t, const struct timespec *);
    if (!real_fn) real_fn = dlsym(RTLD_NEXT, "pthread_cond_clockwait");
    struct timespec at = unfake(clock, abstime);
    return real_fn(cond, mutex, clock, &at);
}

/* the C library's own function, skipping libfaketime's wrapper of the same name */
static void *libc_fn(const char *name) {
    void *libc = dlopen("libc.so.6", RTLD_LAZY | RTLD_NOLOAD);
    return libc ? dlsym(libc, name) : NULL;
}

int select(int nfds, fd_set *readfds, fd_set *writefds, fd_set *exceptfds, struct timeval *timeout) {
    static int (*real_fn)(int, fd_set *, fd_set *, fd_set *, struct timeval *);
    if (!real_fn) real_fn = libc_fn("select");
    return real_fn(nfds, readfds, writefds, exceptfds, timeout);
}

int poll(struct pollfd *fds, nfds_t nfds, int timeout) {
    static int (*real_fn)(struct pollfd *, nfds_t, int);
    if (!real_fn) real_fn = libc_fn("poll");
    return real_fn(fds, nfds, timeout);
}
