#ifndef ADM_CINTERRUPT_H
#define ADM_CINTERRUPT_H
#include <termios.h>

/// Installs the SIGINT handler (it only writes a byte to a self-pipe, which is
/// async-signal-safe). Returns 0 on success.
int adm_install_interrupt_handler(void);

/// The read end of the interrupt pipe (poll it beside stdin).
int adm_interrupt_fd(void);

/// Reads every pending interrupt byte; returns how many there were.
int adm_drain_interrupts(void);

/// Turns terminal echo off, keeping the old settings in `saved`; 0 on success.
int adm_echo_off(struct termios *saved);

/// Restores the settings `adm_echo_off` saved.
int adm_echo_restore(const struct termios *saved);

#endif
