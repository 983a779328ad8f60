// Ctrl-C for adm's REPL. The handler writes one byte to a self-pipe; the line reader polls
// the pipe beside stdin, and while a command runs a watcher drains it and cancels the command.
// This works whichever thread the signal lands on. The state lives here, in one translation
// unit, rather than in a header (where each Swift file would get its own copy).
#include "cinterrupt.h"
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

static int interrupt_pipe[2] = {-1, -1};

// A self-pipe, made once: both ends non-blocking and closed on exec. 0 when it is there.
static int make_self_pipe(int fds[2]) {
    if (fds[0] >= 0) return 0;
    if (pipe(fds) != 0) return -1;
    for (int i = 0; i < 2; i++) {
        fcntl(fds[i], F_SETFL, O_NONBLOCK);
        fcntl(fds[i], F_SETFD, FD_CLOEXEC);
    }
    return 0;
}

// Writes one byte to a self-pipe from a signal handler (async-signal-safe).
static void poke(int fds[2], char c) {
    if (fds[1] >= 0) {
        ssize_t r = write(fds[1], &c, 1);
        (void)r;
    }
}

static void on_interrupt(int signo) {
    (void)signo;
    poke(interrupt_pipe, 1);
}

int adm_install_interrupt_handler(void) {
    if (make_self_pipe(interrupt_pipe) != 0) return -1;
    struct sigaction sa;
    sa.sa_handler = on_interrupt;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
    return sigaction(SIGINT, &sa, NULL);
}

int adm_interrupt_fd(void) { return interrupt_pipe[0]; }

int adm_drain_interrupts(void) {
    char buf[64];
    int n = 0;
    ssize_t r;
    if (interrupt_pipe[0] < 0) return 0;
    while ((r = read(interrupt_pipe[0], buf, sizeof buf)) > 0) n += (int)r;
    return n;
}

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
    struct sigaction sa;
    sa.sa_handler = on_ending_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESETHAND;
    int signals[] = {SIGTERM, SIGHUP, SIGQUIT};
    for (unsigned i = 0; i < sizeof signals / sizeof signals[0]; i++) {
        if (sigaction(signals[i], &sa, NULL) != 0) return -1;
    }
    return 0;
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
    poke(redraw_pipe, signo == SIGCONT ? 'C' : 'W');
}

int adm_install_redraw_handler(void) {
    if (make_self_pipe(redraw_pipe) != 0) return -1;
    struct sigaction sa;
    sa.sa_handler = on_terminal_change;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    if (sigaction(SIGWINCH, &sa, NULL) != 0) return -1;
    return sigaction(SIGCONT, &sa, NULL);
}

int adm_redraw_fd(void) { return redraw_pipe[0]; }

int adm_drain_redraws(void) {
    char buf[64];
    int flags = 0;
    ssize_t r;
    if (redraw_pipe[0] < 0) return 0;
    while ((r = read(redraw_pipe[0], buf, sizeof buf)) > 0) {
        for (ssize_t i = 0; i < r; i++) flags |= buf[i] == 'C' ? 2 : 1;
    }
    return flags;
}
