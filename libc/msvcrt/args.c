/* libc/msvcrt/args.c - command-line splitting for __getmainargs and __wgetmainargs (pure code). */
#include "crt.h"

#define SPLIT_CHAR char
#define SPLIT_NAME crt_split_args
#include "args_split.h"
#undef SPLIT_CHAR
#undef SPLIT_NAME

#define SPLIT_CHAR wchar_t
#define SPLIT_NAME crt_split_wargs
#include "args_split.h"
