/*
 * libc/kernel32/message.h - FormatMessage's message sources (message_table.c).
 */
#ifndef LIBC_KERNEL32_MESSAGE_H
#define LIBC_KERNEL32_MESSAGE_H

#include <windows.h>

/* Longest message definition looked up, in UTF-16 units with the NUL. */
#define MSG_MAX_DEF 4096

DWORD msg_find_system(DWORD id, DWORD lang, WCHAR *buf, size_t size);
DWORD msg_find_module(HMODULE mod, DWORD id, DWORD lang, WCHAR *buf, size_t size);

#endif
