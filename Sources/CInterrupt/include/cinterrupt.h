#ifndef ADM_CINTERRUPT_H
#define ADM_CINTERRUPT_H
#include <termios.h>

/// Makes a pipe whose ends are both non-blocking and closed on exec (one system call where
/// `pipe2` exists). Returns 0 on success.
int adm_make_pipe(int fds[2]);

/// Installs the SIGINT handler (it only writes a byte to a self-pipe, which is
/// async-signal-safe). Returns 0 on success.
int adm_install_interrupt_handler(void);

/// The read end of the interrupt pipe (poll it beside stdin).
int adm_interrupt_fd(void);

/// Reads every pending interrupt byte; nonzero when there was one (Ctrl-C since the last drain).
int adm_drain_interrupts(void);

/// Turns terminal echo off, keeping the old settings in `saved`; 0 on success.
int adm_echo_off(struct termios *saved);

/// Restores the settings `adm_echo_off` saved.
int adm_echo_restore(const struct termios *saved);

/// Saves the terminal's settings and installs handlers for SIGTERM, SIGHUP and SIGQUIT that put
/// them back before the signal ends the process; 0 on success.
int adm_restore_terminal_on_signals(void);
/// Puts back the settings `adm_restore_terminal_on_signals` saved (every other exit path).
void adm_restore_terminal(void);
/// While a command runs: echo off, input kept (TCSANOW flushes nothing), so keys typed then are
/// not drawn into its output or progress line and are read at the next prompt; 0 on success.
int adm_hold_typeahead(struct termios *saved);
/// Echo back as `adm_hold_typeahead` found it.
int adm_release_typeahead(const struct termios *saved);
/// Installs handlers for SIGWINCH and SIGCONT that write to a second self-pipe, so the line
/// reader can have libedit redraw after a resize or `fg`; 0 on success.
int adm_install_redraw_handler(void);
/// The read end of the redraw pipe (poll it beside stdin); -1 before it is installed.
int adm_redraw_fd(void);
/// Reads every pending redraw byte: 1 when the size changed, 2 after a return from the
/// background (both may be set); 0 for none.
int adm_drain_redraws(void);
#endif
