#ifndef ADM_CEDITLINE_SHIM_H
#define ADM_CEDITLINE_SHIM_H
// libedit's readline-compatible API. Never <readline/readline.h>: GNU readline may also be
// installed and would be picked up instead.
#include <stdio.h>
#include <signal.h>
#include <unistd.h>
#include <fcntl.h>
#include <termios.h>
#include <editline/readline.h>

// Swift 6 strict concurrency rejects the C globals stdin/stdout/stderr; these accessors are
// plain functions and so are fine to call from any context.
static inline FILE *adm_stdin(void) { return stdin; }
static inline FILE *adm_stdout(void) { return stdout; }
static inline FILE *adm_stderr(void) { return stderr; }

// Ctrl-C: the handler only writes a byte to a self-pipe (async-signal-safe). The line reader
// polls the pipe beside stdin; while a command runs, a watcher drains it and cancels the
// command. This works whichever thread the signal lands on.
static int adm_interrupt_pipe[2] = {-1, -1};

static void adm_on_interrupt(int signo) {
    (void)signo;
    if (adm_interrupt_pipe[1] >= 0) {
        char c = 1;
        ssize_t r = write(adm_interrupt_pipe[1], &c, 1);
        (void)r;
    }
}

static inline int adm_install_interrupt_handler(void) {
    if (adm_interrupt_pipe[0] < 0) {
        if (pipe(adm_interrupt_pipe) != 0) return -1;
        fcntl(adm_interrupt_pipe[0], F_SETFL, O_NONBLOCK);
        fcntl(adm_interrupt_pipe[1], F_SETFL, O_NONBLOCK);
        fcntl(adm_interrupt_pipe[0], F_SETFD, FD_CLOEXEC);
        fcntl(adm_interrupt_pipe[1], F_SETFD, FD_CLOEXEC);
    }
    struct sigaction sa;
    sa.sa_handler = adm_on_interrupt;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
    return sigaction(SIGINT, &sa, NULL);
}

static inline int adm_interrupt_fd(void) { return adm_interrupt_pipe[0]; }

/// Reads all pending interrupt bytes; returns how many there were.
static inline int adm_drain_interrupts(void) {
    char buf[64];
    int n = 0;
    ssize_t r;
    while ((r = read(adm_interrupt_pipe[0], buf, sizeof buf)) > 0) n += (int)r;
    return n;
}

/// Turns terminal echo off (returns the old flags through `saved`) or restores it.
static inline int adm_echo_off(struct termios *saved) {
    if (tcgetattr(0, saved) != 0) return -1;
    struct termios t = *saved;
    t.c_lflag &= ~(tcflag_t)(ECHO);
    t.c_lflag |= ICANON;
    return tcsetattr(0, TCSAFLUSH, &t);
}

static inline int adm_echo_restore(const struct termios *saved) { return tcsetattr(0, TCSAFLUSH, saved); }

#endif
