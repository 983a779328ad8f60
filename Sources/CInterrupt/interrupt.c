// Ctrl-C for adm's REPL. The handler writes one byte to a self-pipe; the line reader polls
// the pipe beside stdin, and while a command runs a watcher drains it and cancels the command.
// This works whichever thread the signal lands on. The state lives here, in one translation
// unit, rather than in a header (where each Swift file would get its own copy).
#ifdef __linux__
#define _GNU_SOURCE  // pipe2
#endif
#include "cinterrupt.h"
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

static int interrupt_pipe[2] = {-1, -1};

int adm_make_pipe(int fds[2]) {
#ifdef __linux__
    // One call where pipe2 exists; start-up counts its system calls.
    return pipe2(fds, O_NONBLOCK | O_CLOEXEC) == 0 ? 0 : -1;
#else
    if (pipe(fds) != 0) return -1;
    for (int i = 0; i < 2; i++) {
        fcntl(fds[i], F_SETFL, O_NONBLOCK);
        fcntl(fds[i], F_SETFD, FD_CLOEXEC);
    }
    return 0;
#endif
}

// A self-pipe, made once. 0 when it is there.
static int make_self_pipe(int fds[2]) {
    if (fds[0] >= 0) return 0;
    return adm_make_pipe(fds);
}

// Writes one byte, a bit that says what happened, to a self-pipe from a signal handler
// (async-signal-safe).
static void poke(int fds[2], char bit) {
    if (fds[1] >= 0) {
        ssize_t r = write(fds[1], &bit, 1);
        (void)r;
    }
}

// Reads every pending byte of a self-pipe: the bits they carry, or'ed (0 for none).
static int drain(int fds[2]) {
    char buf[64];
    int bits = 0;
    ssize_t r;
    if (fds[0] < 0) return 0;
    while ((r = read(fds[0], buf, sizeof buf)) > 0) {
        for (ssize_t i = 0; i < r; i++) bits |= buf[i];
    }
    return bits;
}

// Makes the self-pipe (when there is one), then sends each of `signals` to `handler`; 0 on
// success.
static int install(int *fds, void (*handler)(int), int flags, const int *signals, unsigned count) {
    if (fds && make_self_pipe(fds) != 0) return -1;
    struct sigaction sa;
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = flags;
    for (unsigned i = 0; i < count; i++) {
        if (sigaction(signals[i], &sa, NULL) != 0) return -1;
    }
    return 0;
}

static void on_interrupt(int signo) {
    (void)signo;
    poke(interrupt_pipe, 1);
}

int adm_install_interrupt_handler(void) {
    static const int signals[] = {SIGINT};
    return install(interrupt_pipe, on_interrupt, 0, signals, 1);
}

int adm_interrupt_fd(void) { return interrupt_pipe[0]; }

int adm_drain_interrupts(void) { return drain(interrupt_pipe); }

int adm_echo_off(struct termios *saved) {
    if (tcgetattr(0, saved) != 0) return -1;
    struct termios t = *saved;
    t.c_lflag &= ~(tcflag_t)ECHO;
    t.c_lflag |= ICANON;
    return tcsetattr(0, TCSAFLUSH, &t);
}

int adm_echo_restore(const struct termios *saved) { return tcsetattr(0, TCSAFLUSH, saved); }

// The terminal as it was before the shell took it, put back by a signal that ends adm
// (tcsetattr is async-signal-safe), then the signal is raised again with its default action.
static struct termios terminal_at_start;
static int terminal_saved = 0;

static void on_ending_signal(int signo) {
    if (terminal_saved) tcsetattr(0, TCSANOW, &terminal_at_start);
    signal(signo, SIG_DFL);
    raise(signo);
}

int adm_restore_terminal_on_signals(void) {
    if (tcgetattr(0, &terminal_at_start) != 0) return -1;
    terminal_saved = 1;
    static const int signals[] = {SIGTERM, SIGHUP, SIGQUIT};
    return install(NULL, on_ending_signal, SA_RESETHAND, signals, 3);
}

void adm_restore_terminal(void) {
    if (terminal_saved) tcsetattr(0, TCSANOW, &terminal_at_start);
}

int adm_hold_typeahead(struct termios *saved) {
    if (tcgetattr(0, saved) != 0) return -1;
    struct termios t = *saved;
    t.c_lflag &= ~(tcflag_t)ECHO;
    return tcsetattr(0, TCSANOW, &t);
}

int adm_release_typeahead(const struct termios *saved) { return tcsetattr(0, TCSANOW, saved); }

// The terminal changed under the prompt: a resize (SIGWINCH) or a return from the background
// (SIGCONT, after Ctrl-Z and `fg`). Same self-pipe pattern: the line reader polls it and tells
// libedit, which redraws the line as it is.
static int redraw_pipe[2] = {-1, -1};

static void on_terminal_change(int signo) {
    poke(redraw_pipe, signo == SIGCONT ? 2 : 1);
}

int adm_install_redraw_handler(void) {
    static const int signals[] = {SIGWINCH, SIGCONT};
    return install(redraw_pipe, on_terminal_change, SA_RESTART, signals, 2);
}

int adm_redraw_fd(void) { return redraw_pipe[0]; }

int adm_drain_redraws(void) { return drain(redraw_pipe); }
